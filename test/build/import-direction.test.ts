// Library code does not depend on its callers: nothing in shared/ imports from functions/ (the
// entry points) or scripts/ (the tools), statically, dynamically or for types alone.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGraph, importsInto } from '../../scripts/lib/import-cycles.js';

const root = path.resolve(__dirname, '../..');
const dir = (name: string) => path.join(root, name);

describe('import direction', () => {
  it('finds no import from shared/ into functions/ or scripts/', () => {
    const graph = importGraph(['shared', 'functions', 'scripts'].map(dir));
    expect(importsInto(graph, dir('shared'), [dir('functions'), dir('scripts')], root)).toEqual([]);
    // The functions do import shared/: the graph is the real one.
    expect(importsInto(graph, dir('functions'), [dir('shared')], root).length).toBeGreaterThan(10);
  });

  it('finds no path into functions/ or scripts/ built in shared/ (an import by computed path)', () => {
    const graph = importGraph([dir('shared')]);
    const offenders = [...graph.keys()].filter((file) => /['"`](\.\.\/)+(functions|scripts)\b/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((file) => path.relative(root, file))).toEqual([]);
  });

  it('reports an import across, type-only ones included', () => {
    const graph = new Map([
      ['/p/shared/a.ts', ['/p/shared/b.ts', '/p/functions/routes.ts']],
      ['/p/shared/b.ts', ['/p/scripts/lib/x.ts']],
      ['/p/functions/routes.ts', ['/p/shared/a.ts']],
    ]);
    expect(importsInto(graph, '/p/shared', ['/p/functions', '/p/scripts'], '/p')).toEqual([
      'shared/a.ts > functions/routes.ts',
      'shared/b.ts > scripts/lib/x.ts',
    ]);
  });
});
