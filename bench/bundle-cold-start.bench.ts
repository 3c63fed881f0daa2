// Cold start of a built function, as Cloud Functions starts it: functions-framework on the
// dist/<function> folder. Compares one-file bundles with split ones (transformers.js in its own
// chunk, loaded on first use), against a floor: a function that only says hello. /chunk needs
// only the model's tokenizer, /embed the tokenizer and the inference runtime.
// Machine is shared and noisy: read the ratios, not the milliseconds.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildAll, repoRoot } from '../scripts/build.js';
import { linkDeclaredDependencies, startBundle } from '../scripts/build/run-bundle.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
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

  const embedRequest = {
    path: '/',
    init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: ['我喜欢看电影'] }) },
  };
  const chunkRequest = {
    path: '/',
    init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: '我喜欢看电影。'.repeat(40), max_tokens: 64 }) },
  };
  const cases = [
    { label: 'floor (hello)', dir: floorDir, target: 'hello', request: { path: '/' } },
    { label: 'health, split', dir: path.join(tmp, 'split/health'), target: 'health', request: { path: '/' } },
    { label: 'health, single file', dir: path.join(tmp, 'single/health'), target: 'health', request: { path: '/' } },
    { label: 'embed, split (first vector)', dir: path.join(tmp, 'split/embed'), target: 'embed', request: embedRequest },
    { label: 'embed, single file (first vector)', dir: path.join(tmp, 'single/embed'), target: 'embed', request: embedRequest },
    { label: 'chunk, split (first chunks)', dir: path.join(tmp, 'split/chunk'), target: 'chunk', request: chunkRequest },
    { label: 'chunk, single file (first chunks)', dir: path.join(tmp, 'single/chunk'), target: 'chunk', request: chunkRequest },
  ];
  const results: { label: string; listening: number; firstResponse: number }[] = [];
  for (const c of cases) {
    const samples = [];
    for (let i = 0; i < RUNS; i++) samples.push(await timeStart(c.dir, c.target, c.request));
    results.push({ label: c.label, listening: median(samples.map((s) => s.listening)), firstResponse: median(samples.map((s) => s.firstResponse)) });
  }
  const floor = results[0]!;
  console.log(`## Cold start of dist bundles (median of ${RUNS}; shared 2-core machine, noisy)\n`);
  console.log('| case | listening ms | first response ms | first response / floor |');
  console.log('|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.label} | ${r.listening.toFixed(0)} | ${r.firstResponse.toFixed(0)} | ${(r.firstResponse / floor.firstResponse).toFixed(2)}x |`);
  }
  for (const r of results.slice(1)) console.log(`summary: ${r.label}: ${(r.firstResponse / floor.firstResponse).toFixed(2)}x floor`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
