// Token-id input must not slow the cold start of /v1/embeddings: its tokenizer (js-tiktoken's
// cl100k_base ranks) loads only when token ids arrive. Builds the openaiEmbeddings function from
// this tree and from a base revision (BENCH_BASE, default `main`, taken with `git archive`),
// and times process start to the first text answer of each, interleaved; then this tree's
// first answer to token ids. Median of BENCH_RUNS; read the ratios.
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import { buildAll, repoRoot } from '../scripts/build.js';
import { linkDeclaredDependencies, startBundle } from '../scripts/build/run-bundle.js';
import { buildBase } from './lib/base-build.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BASE = process.env.BENCH_BASE ?? 'main';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const TEXT = '我喜欢看电影';

const body = (input: unknown): RequestInit => ({
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'text-embedding-3-small', input }),
});

async function firstAnswer(dir: string, init: RequestInit): Promise<number> {
  const t0 = performance.now();
  const running = await startBundle(dir, 'openaiEmbeddings', { GATEWAY_ENV: 'development', LOG_LEVEL: 'error' });
  const res = await fetch(running.url + '/v1/embeddings', init);
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  await running.stop();
  if (!res.ok) throw new Error(`answered ${res.status}: ${running.output()}`);
  return ms;
}

async function codeBytes(dir: string): Promise<{ main: number; chunks: number }> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.js'));
  let chunks = 0;
  for (const f of files) if (f !== 'index.js') chunks += (await stat(path.join(dir, f))).size;
  return { main: (await stat(path.join(dir, 'index.js'))).size, chunks };
}

const tmp = await mkdtemp(path.join(os.tmpdir(), 'bench-token-ids-'));
try {
  await buildBase(BASE, path.join(tmp, 'base-src'), { outDir: path.join(tmp, 'base'), only: ['openaiEmbeddings'] });
  await buildAll({ outDir: path.join(tmp, 'head'), only: ['openaiEmbeddings'] });
  const base = path.join(tmp, 'base/openaiEmbeddings');
  const head = path.join(tmp, 'head/openaiEmbeddings');
  for (const dir of [base, head]) await linkDeclaredDependencies(dir, repoRoot);
  const ids = new Tiktoken(cl100k).encode(TEXT);

  const samples = { base: [] as number[], head: [] as number[], headIds: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    samples.base.push(await firstAnswer(base, body(TEXT)));
    samples.head.push(await firstAnswer(head, body(TEXT)));
    samples.headIds.push(await firstAnswer(head, body(ids)));
  }
  const [b, h, hi] = [median(samples.base), median(samples.head), median(samples.headIds)];
  const [bytesBase, bytesHead] = [await codeBytes(base), await codeBytes(head)];
  const tokenizerInMain = (await readFile(path.join(head, 'index.js'), 'utf8')).includes('bpe_ranks');
  console.log(`## /v1/embeddings cold start, process start to first answer (median of ${RUNS}; noisy 2-core machine)\n`);
  console.log('| case | first answer ms | vs base, text |');
  console.log('|---|---|---|');
  console.log(`| base (${BASE}), text | ${b.toFixed(0)} | 1.00x |`);
  console.log(`| this tree, text | ${h.toFixed(0)} | ${(h / b).toFixed(2)}x |`);
  console.log(`| this tree, token ids (loads the tokenizer) | ${hi.toFixed(0)} | ${(hi / b).toFixed(2)}x |`);
  console.log(`\nindex.js: base ${bytesBase.main} bytes, this tree ${bytesHead.main} bytes; lazy chunks ${bytesBase.chunks} -> ${bytesHead.chunks} bytes; ranks in index.js: ${tokenizerInMain}`);
  console.log(`summary: token-ids-cold-start: text first answer ${(h / b).toFixed(2)}x base; token ids first answer ${(hi / b).toFixed(2)}x`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
