// `npm run build`: one deployable folder per function in shared/routes.ts, dist/<name>/,
// each runnable as `functions-framework --target=<name> --source=dist/<name>`.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RouteEntry } from '../shared/routes.js';
import { bundleFunction, type BundleResult } from './build/bundle.js';
import { lockVersions } from './build/manifest.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BuildOptions {
  outDir?: string;
  /** Names to build; all listed functions when absent. */
  only?: string[];
  splitting?: boolean;
  minify?: boolean;
}

/** Read at build time, so a function another change adds to routes.ts is built with no edit here. */
export async function listedRoutes(): Promise<RouteEntry[]> {
  const module = (await import(pathToFileURL(path.join(repoRoot, 'shared/routes.ts')).href)) as { routes: RouteEntry[] };
  return module.routes;
}

export async function buildAll(options: BuildOptions = {}): Promise<BundleResult[]> {
  const outDir = path.resolve(options.outDir ?? path.join(repoRoot, 'dist'));
  await mkdir(outDir, { recursive: true });
  const all = await listedRoutes();
  const selected = options.only ? all.filter((r) => options.only!.includes(r.name)) : all;
  const unknown = (options.only ?? []).filter((n) => !all.some((r) => r.name === n));
  if (unknown.length > 0) throw new Error(`not in shared/routes.ts: ${unknown.join(', ')}`);
  const rootPackage = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const locked = lockVersions(repoRoot);
  const results: BundleResult[] = [];
  // One at a time: esbuild is already parallel inside, and the machine has two cores.
  for (const route of selected) {
    results.push(await bundleFunction(route, {
      root: repoRoot,
      outDir,
      splitting: options.splitting ?? true,
      minify: options.minify ?? false,
      rootPackage,
      lockVersions: locked,
    }));
  }
  return results;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2) + ' MB';

export function sizeTable(results: BundleResult[]): string {
  const lines = ['function            code        model       total      runtime dependencies'];
  for (const r of results) {
    lines.push(`${r.name.padEnd(18)}  ${mb(r.codeBytes).padStart(10)}  ${mb(r.modelBytes).padStart(10)}  ${mb(r.totalBytes).padStart(10)}  ${Object.keys(r.dependencies).join(', ')}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const outDir = outIndex >= 0 ? args[outIndex + 1] : undefined;
  const only = args.filter((a, i) => !a.startsWith('--') && (outIndex < 0 || i !== outIndex + 1));
  const results = await buildAll({
    outDir,
    only: only.length > 0 ? only : undefined,
    splitting: !args.includes('--no-splitting'),
    minify: args.includes('--minify'),
  });
  console.log(sizeTable(results));
  for (const warning of new Set(results.flatMap((r) => r.warnings))) console.warn(`warning: ${warning}`);
  console.log(`built ${results.length} function(s) into ${path.resolve(outDir ?? path.join(repoRoot, 'dist'))}`);
}
