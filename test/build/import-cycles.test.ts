// No file of the project imports itself through others (see scripts/lib/import-cycles.ts).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from '../../scripts/lib/import-cycles.js';

const root = path.resolve(__dirname, '../..');

describe('import cycles', () => {
  it('finds none in shared/, functions/, scripts/ and bench/', () => {
    const graph = importGraph(['shared', 'functions', 'scripts', 'bench'].map((d) => path.join(root, d)));
    expect(graph.size).toBeGreaterThan(50);
    expect(importCycles(graph, root).map((c) => c.join(' > '))).toEqual([]);
  });

  it('reports a cycle, type-only imports included, once', () => {
    const graph = new Map([
      ['/p/a.ts', ['/p/b.ts']],
      ['/p/b.ts', ['/p/c.ts']],
      ['/p/c.ts', ['/p/a.ts', '/p/d.ts']],
      ['/p/d.ts', []],
    ]);
    expect(importCycles(graph, '/p')).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});
