// Cold start of a built function, as Cloud Functions starts it: functions-framework on the
// dist/<function> folder. Compares one-file bundles with split ones (transformers.js in its own
// chunk, loaded on first use), against a floor: a function that only says hello. /chunk needs
// only the model's tokenizer, /embed the tokenizer and the inference runtime. With BENCH_BASE
// (a revision, e.g. `main`), the split embed and chunk bundles of that revision run too, and each
// gets a "vs base" ratio. Cases take turns round by round, so load drifts hit them alike.
// Machine is shared and noisy: read the ratios, not the milliseconds.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildAll, repoRoot } from '../scripts/build.js';
import { linkDeclaredDependencies, startBundle } from '../scripts/build/run-bundle.js';
import { buildBase } from './lib/base-build.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BASE = process.env.BENCH_BASE;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeStart(dir: string, target: string, request: { path: string; init?: RequestInit }) {
  const t0 = performance.now();
  const running = await startBundle(dir, target, { GATEWAY_ENV: 'development', LOG_LEVEL: 'error' });
  const listening = performance.now() - t0;
  const res = await fetch(running.url + request.path, request.init);
  await res.arrayBuffer();
  const firstResponse = performance.now() - t0;
  await running.stop();
  if (!res.ok) throw new Error(`${target} answered ${res.status}: ${running.output()}`);
  return { listening, firstResponse };
}

const tmp = await mkdtemp(path.join(os.tmpdir(), 'bench-bundle-'));
try {
  const floorDir = path.join(tmp, 'floor');
  await mkdir(floorDir);
  await writeFile(path.join(floorDir, 'index.js'), "import { http } from '@google-cloud/functions-framework';\nhttp('hello', (req, res) => res.send('hi'));\n");
  await writeFile(path.join(floorDir, 'package.json'), JSON.stringify({ type: 'module', main: 'index.js', dependencies: { '@google-cloud/functions-framework': '*' } }));
  await linkDeclaredDependencies(floorDir, repoRoot);

  const variants = { split: true, single: false } as const;
  for (const [name, splitting] of Object.entries(variants)) {
    await buildAll({ outDir: path.join(tmp, name), only: ['health', 'embed', 'chunk'], splitting });
    for (const fn of ['health', 'embed', 'chunk']) await linkDeclaredDependencies(path.join(tmp, name, fn), repoRoot);
  }
  if (BASE) {
    await buildBase(BASE, path.join(tmp, 'base-src'), { outDir: path.join(tmp, 'base'), only: ['embed', 'chunk'], splitting: true });
    for (const fn of ['embed', 'chunk']) await linkDeclaredDependencies(path.join(tmp, 'base', fn), repoRoot);
  }

  const embedRequest = {
    path: '/',
    init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: ['我喜欢看电影'] }) },
  };
  const chunkRequest = {
    path: '/',
    init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: '我喜欢看电影。'.repeat(40), max_tokens: 64 }) },
  };
  const cases: { label: string; dir: string; target: string; request: { path: string; init?: RequestInit }; base?: string }[] = [
    { label: 'floor (hello)', dir: floorDir, target: 'hello', request: { path: '/' } },
    { label: 'health, split', dir: path.join(tmp, 'split/health'), target: 'health', request: { path: '/' } },
    { label: 'health, single file', dir: path.join(tmp, 'single/health'), target: 'health', request: { path: '/' } },
    { label: 'embed, split (first vector)', dir: path.join(tmp, 'split/embed'), target: 'embed', request: embedRequest, base: 'embed, split, base' },
    { label: 'embed, single file (first vector)', dir: path.join(tmp, 'single/embed'), target: 'embed', request: embedRequest },
    { label: 'chunk, split (first chunks)', dir: path.join(tmp, 'split/chunk'), target: 'chunk', request: chunkRequest, base: 'chunk, split, base' },
    { label: 'chunk, single file (first chunks)', dir: path.join(tmp, 'single/chunk'), target: 'chunk', request: chunkRequest },
  ];
  if (BASE) {
    cases.push({ label: 'embed, split, base', dir: path.join(tmp, 'base/embed'), target: 'embed', request: embedRequest });
    cases.push({ label: 'chunk, split, base', dir: path.join(tmp, 'base/chunk'), target: 'chunk', request: chunkRequest });
  }
  const samples = cases.map(() => [] as { listening: number; firstResponse: number }[]);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, c] of cases.entries()) samples[k]!.push(await timeStart(c.dir, c.target, c.request));
  }
  const results = cases.map((c, k) => ({
    label: c.label,
    base: c.base,
    listening: median(samples[k]!.map((s) => s.listening)),
    firstResponse: median(samples[k]!.map((s) => s.firstResponse)),
  }));
  const floor = results[0]!;
  const byLabel = new Map(results.map((r) => [r.label, r]));
  const vsBase = (r: (typeof results)[number]) => (r.base && byLabel.has(r.base) ? `${(r.firstResponse / byLabel.get(r.base)!.firstResponse).toFixed(2)}x` : '');
  console.log(`## Cold start of dist bundles (median of ${RUNS}${BASE ? `; base = ${BASE}` : ''}; shared 2-core machine, noisy)\n`);
  console.log('| case | listening ms | first response ms | first response / floor | vs base |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.label} | ${r.listening.toFixed(0)} | ${r.firstResponse.toFixed(0)} | ${(r.firstResponse / floor.firstResponse).toFixed(2)}x | ${vsBase(r)} |`);
  }
  for (const r of results.slice(1)) console.log(`summary: ${r.label}: ${(r.firstResponse / floor.firstResponse).toFixed(2)}x floor${vsBase(r) ? `, ${vsBase(r)} base` : ''}`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
