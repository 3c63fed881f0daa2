// Import cycles among the project's own TypeScript files: every relative import, export-from and
// dynamic import(), type-only ones included (a cycle of types still ties the files together).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(file);
    return /\.(m?ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

/** `./x.js` written in TypeScript source names `./x.ts` (or `./x.mts` for `.mjs`). */
function resolve(from: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  return null;
}

export function importGraph(dirs: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of dirs.flatMap(sourceFiles)) {
    const text = readFileSync(file, 'utf8');
    graph.set(file, [...text.matchAll(SPECIFIER)].map((m) => resolve(file, m[1]!)).filter((f): f is string => f !== null));
  }
  return graph;
}

/** Each cycle once, as the files along it (relative to `root`), starting from its first file in sort order. */
export function importCycles(graph: Map<string, string[]>, root: string): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next)).map((f) => path.relative(root, f));
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(canonical.join(' > '), canonical);
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return [...cycles.values()];
}

/**
 * Imports from files under `from` into files under `into` (directories), as "importer > imported"
 * relative to `root`: library code must not depend on its callers (shared/ on functions/ or scripts/).
 */
export function importsInto(graph: Map<string, string[]>, from: string, into: string[], root: string): string[] {
  const inside = (file: string, dir: string) => !path.relative(dir, file).startsWith('..');
  return [...graph.entries()]
    .filter(([file]) => inside(file, from))
    .flatMap(([file, imports]) => imports.filter((imported) => into.some((dir) => inside(imported, dir))).map((imported) => `${path.relative(root, file)} > ${path.relative(root, imported)}`));
}
