// 32 concurrent single-text HTTP requests of short texts (~16 tokens: queries, titles, the texts
// coalescing is for) through the dev server, with the local model's shared queue on
// (LOCAL_COALESCE=true, the default) and off (each request runs its own inference at once,
// beside the others), and a third server without the shared queue and without inference workers
// (LOCAL_WORKERS=0: inference on the main thread, what code without either does). The servers run
// at the same time in their own processes, idle while another is measured; rounds rotate between
// them, and every round sends texts no server has seen (the cache is off), so each round measures
// the model. The same run measures the ceiling: raw onnxruntime, one thread as a worker runs it,
// texts/s in the batches the queue packs from those texts vs one text per run: what coalescing can
// gain in inference, as both modes run on the same workers (it also saves a worker hop per text,
// so on/off can land a little above it). BENCH_TOKENS changes the text length;
// LOCAL_MAX_BATCH_SIZE / LOCAL_MAX_BATCH_TOKENS in the shell reach every server (for tuning).
import { loadConfig } from '../shared/config.js';
import { createGateway } from '../shared/gateway.js';
import { packBatches } from '../shared/providers/local/batcher.js';
import { chunks, uniformCorpus } from './lib/corpus.js';
import { loadRawModel } from './lib/ort-floor.js';
import { postEmbed, spawnDevServer, type ServerProcess } from './lib/server-process.js';
import { median, medianRatio, p50, p99 } from './lib/stats.js';
import { fixed, machineNote, perSecond, ratio, summaryLine, table, timed } from './lib/timing.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 16);
const WARMUP = 2;

const modes = {
  on: { LOCAL_COALESCE: 'true' },
  off: { LOCAL_COALESCE: 'false' },
  naive: { LOCAL_COALESCE: 'false', LOCAL_WORKERS: '0' },
} as const;
type Mode = keyof typeof modes;
const labels: Record<Mode, string> = { on: 'on (default)', off: 'off', naive: 'off, LOCAL_WORKERS=0' };
const rounds = chunks(uniformCorpus({ count: CONCURRENCY * (ROUNDS + WARMUP), tokens: TOKENS, seed: 7 }), CONCURRENCY);
// The shell's LOCAL_MAX_BATCH_* reach the servers (serverEnv) and this config alike.
const config = loadConfig({ ...process.env, LOG_LEVEL: 'error' });
const { maxBatchSize, maxBatchTokens } = config.local;

/** Raw onnxruntime texts/s (one intra-op thread, as each worker) on one round's texts: one per run vs the batches the queue packs from them. */
async function ceiling(): Promise<{ alone: number; batched: number; batchSize: number }> {
  const local = createGateway(config).local;
  const raw = await loadRawModel(undefined, 512, { intraOpNumThreads: 1 });
  const ids = await Promise.all(rounds[0]!.map((text) => local.tokenize(text)));
  const batches = packBatches(ids.map((seq) => ({ ids: seq })), maxBatchSize, maxBatchTokens).map((b) => b.map((job) => job.ids));
  const rate = async (runs: number[][][]) => {
    const { ms } = await timed(async () => {
      for (const batch of runs) await raw.run(batch);
    });
    return perSecond(ids.length, ms);
  };
  const single = ids.map((seq) => [seq]);
  await rate(single);
  const alone: number[] = [];
  const batched: number[] = [];
  for (let r = 0; r < 5; r++) {
    alone.push(await rate(single));
    batched.push(await rate(batches));
  }
  return { alone: median(alone), batched: median(batched), batchSize: ids.length / batches.length };
}

interface Round { requestsPerSecond: number; latencies: number[]; failed: number }

async function round(server: ServerProcess, texts: string[]): Promise<Round> {
  const latencies: number[] = [];
  let failed = 0;
  const { ms } = await timed(() => Promise.all(texts.map(async (text) => {
    const { ms: latency, value } = await timed(() => postEmbed(server.url, [text]));
    if (value.status === 200) latencies.push(latency);
    else failed++;
  })));
  return { requestsPerSecond: perSecond(texts.length, ms), latencies, failed };
}

const bound = await ceiling();
const servers = {} as Record<Mode, ServerProcess>;
const results: Record<Mode, Round[]> = { on: [], off: [], naive: [] };
try {
  for (const mode of Object.keys(modes) as Mode[]) {
    servers[mode] = await spawnDevServer('node --import tsx', { ...modes[mode], CACHE_L1_BYTES: '0' });
  }
  for (let r = 0; r < rounds.length; r++) {
    const names = Object.keys(modes) as Mode[];
    const order = names.map((_, i) => names[(i + r) % names.length]!);
    for (const mode of order) {
      const result = await round(servers[mode], rounds[r]!);
      if (r >= WARMUP) results[mode].push(result);
    }
  }
} finally {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
}

const rps = (mode: Mode) => results[mode].map((r) => r.requestsPerSecond);
const all = (mode: Mode) => results[mode].flatMap((r) => r.latencies);
const failed = (mode: Mode) => results[mode].reduce((sum, r) => sum + r.failed, 0);
const gain = medianRatio(rps('on'), rps('off'));
const overNaive = medianRatio(rps('on'), rps('naive'));

const ceilingRatio = bound.batched / bound.alone;
console.log(`## coalescing: ${CONCURRENCY} concurrent single-text POST /embed (~${TOKENS} tokens), LOCAL_COALESCE on vs off\n`);
console.log(`Dev server (functions-framework per route) in its own process per mode, batch caps LOCAL_MAX_BATCH_SIZE=${maxBatchSize}, LOCAL_MAX_BATCH_TOKENS=${maxBatchTokens}; ${ROUNDS} measured rounds after ${WARMUP} warm-up rounds, rotating modes; fresh zh/en texts of ~${TOKENS} tokens every round.\n`);
console.log(table(['LOCAL_COALESCE', 'requests/s (median)', 'latency p50 ms', 'latency p99 ms', 'non-200 answers'], (Object.keys(modes) as Mode[]).map((mode) => [
  labels[mode], fixed(median(rps(mode))), fixed(p50(all(mode)), 0), fixed(p99(all(mode)), 0), failed(mode),
])));
console.log(`\nPer-round requests/s, ${(Object.keys(modes) as Mode[]).map((m) => `${labels[m]}: ${rps(m).map((v) => fixed(v, 0)).join(', ')}`).join('; ')}`);
console.log(`Coalescing on / off (median of per-round ratios): ${ratio(gain)}; default / off without workers: ${ratio(overNaive)}`);
console.log(`Ceiling, raw onnxruntime (1 thread) on these texts: ${fixed(bound.batched)} texts/s in the queue's batches (${fixed(bound.batchSize)} texts on average) vs ${fixed(bound.alone)} one per run = ${ratio(ceilingRatio)}`);
console.log('On: the 32 callers\' texts share length-sorted batches (exact: the graph quantizes per row). Off: each request runs');
console.log('its own one-text batch at once, beside the others. Off without workers also stalls the event loop during inference.');
console.log(await machineNote(), '(shared machine: other work was running; compare ratios, not absolute numbers)');
summaryLine(`coalescing: ${CONCURRENCY} concurrent single-text requests of ~${TOKENS} tokens, coalescing on = ${ratio(gain)} requests/s of off (target ≥2×; raw onnxruntime batched/one-per-run ceiling ${ratio(ceilingRatio)}), ${ratio(overNaive)} of off without workers; p99 latency ${fixed(p99(all('on')), 0)} ms on, ${fixed(p99(all('off')), 0)} ms off, ${fixed(p99(all('naive')), 0)} ms off without workers`);
