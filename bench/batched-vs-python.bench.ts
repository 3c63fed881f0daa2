// The gateway's /embed over HTTP against a Python service on the same model file: tokenizers +
// onnxruntime in length-sorted batches of 8 and of 32 (bench/lib/python-peer.py). Uniform-length
// corpora of ~16, ~64, ~256 and ~500 tokens, and the mixed corpus. The gateway gets 32 texts a
// request, one request at a time, cache off; both sides tokenize. Rounds alternate the three.
// Also: one short text per request, p50 latency, the default settings vs one text per run.
import path from 'node:path';
import { chunks, mixedCorpus, uniformCorpus } from './lib/corpus.js';
import { startPythonPeer } from './lib/python-peer.js';
import { postEmbed, repoRoot, spawnDevServer, type ServerProcess } from './lib/server-process.js';
import { median, medianRatio, p50 } from './lib/stats.js';
import { fixed, machineNote, perSecond, ratio, summaryLine, table, timed } from './lib/timing.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PER_REQUEST = 32;
const corpora: Record<string, string[]> = {
  '~16 tokens': uniformCorpus({ count: 256, tokens: 16 }),
  '~64 tokens': uniformCorpus({ count: 128, tokens: 64 }),
  '~256 tokens': uniformCorpus({ count: 64, tokens: 256 }),
  '~500 tokens': uniformCorpus({ count: 32, tokens: 500 }),
  mixed: mixedCorpus({ count: 128, seed: 42 }),
};
const short = mixedCorpus({ count: 200, seed: 5, minTokens: 6, maxTokens: 12 });

async function gatewayPass(server: ServerProcess, texts: string[]): Promise<number> {
  const { ms } = await timed(async () => {
    for (const request of chunks(texts, PER_REQUEST)) {
      const { status } = await postEmbed(server.url, request);
      if (status !== 200) throw new Error(`/embed answered ${status}`);
    }
  });
  return perSecond(texts.length, ms);
}

async function latencies(server: ServerProcess, texts: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const text of texts) out.push((await timed(() => postEmbed(server.url, [text]))).ms);
  return out;
}

const peer = await startPythonPeer(path.join(repoRoot, 'models/bge-small-zh-v1.5'));
let gateway: ServerProcess | undefined;
let onePerRun: ServerProcess | undefined;
type Side = 'gateway' | 'b8' | 'b32';
const results: Record<string, Record<Side, number[]>> = {};
const single: { gateway: number[]; onePerRun: number[] } = { gateway: [], onePerRun: [] };
try {
  gateway = await spawnDevServer('node --import tsx', { CACHE_L1_BYTES: '0' });
  onePerRun = await spawnDevServer('node --import tsx', { CACHE_L1_BYTES: '0', LOCAL_MAX_BATCH_SIZE: '1' });
  const sides: Record<Side, (texts: string[]) => Promise<number>> = {
    gateway: (texts) => gatewayPass(gateway!, texts),
    b8: async (texts) => perSecond(texts.length, await peer.embed(texts, 8)),
    b32: async (texts) => perSecond(texts.length, await peer.embed(texts, 32)),
  };
  for (const [name, texts] of Object.entries(corpora)) {
    results[name] = { gateway: [], b8: [], b32: [] };
    for (const run of Object.values(sides)) await run(texts.slice(0, 32)); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      const order = (Object.keys(sides) as Side[]).map((_, i, all) => all[(i + r) % all.length]!);
      for (const side of order) results[name]![side].push(await sides[side](texts));
    }
  }
  await latencies(gateway, short.slice(0, 10));
  await latencies(onePerRun, short.slice(0, 10));
  for (let r = 0; r < 4; r++) {
    const texts = short.slice(10 + r * 40, 50 + r * 40);
    single.gateway.push(...await latencies(gateway, texts));
    single.onePerRun.push(...await latencies(onePerRun, texts));
  }
} finally {
  peer.stop();
  await Promise.all([gateway, onePerRun].map((s) => s?.stop()));
}

console.log('## batched-vs-python: /embed over HTTP vs Python tokenizers + onnxruntime, same model file\n');
console.log(`Gateway: dev server, default settings, cache off, ${PER_REQUEST} texts a request. Python: length-sorted batches, onnxruntime defaults. Median of ${ROUNDS} alternating rounds.\n`);
const rows = Object.entries(results).map(([name, r]) => {
  const vs8 = medianRatio(r.gateway, r.b8);
  const vs32 = medianRatio(r.gateway, r.b32);
  return { name, gateway: median(r.gateway), b8: median(r.b8), b32: median(r.b32), vs8, vs32 };
});
console.log(table(['corpus', 'gateway texts/s', 'Python b8 texts/s', 'ratio', 'Python b32 texts/s', 'ratio'],
  rows.map((r) => [r.name, fixed(r.gateway), fixed(r.b8), ratio(r.vs8), fixed(r.b32), ratio(r.vs32)])));
console.log(`\nOne short text (6-12 tokens) per request, sequential: p50 ${fixed(p50(single.gateway), 2)} ms default, ${fixed(p50(single.onePerRun), 2)} ms with LOCAL_MAX_BATCH_SIZE=1.`);
console.log(await machineNote(), '(shared machine: compare ratios, not absolute numbers)');
for (const r of rows) summaryLine(`batched-vs-python ${r.name}: gateway ${ratio(r.vs8)} Python b8, ${ratio(r.vs32)} Python b32 (target ≥1.0×${r.name === 'mixed' ? ', mixed ≥1.5×' : ''})`);
summaryLine(`batched-vs-python: one short text p50 ${fixed(p50(single.gateway), 2)} ms (LOCAL_MAX_BATCH_SIZE=1: ${fixed(p50(single.onePerRun), 2)} ms)`);
