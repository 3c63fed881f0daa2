// The local provider against its floor: onnxruntime-node's InferenceSession.run on the same
// model file with the same token ids, at 1, 8 and 32 texts per call. The gateway at its default
// (length-sorted batches of at most 32 texts and 256 padded tokens: exact, the graph quantizes
// per row) and with one text per run (LOCAL_MAX_BATCH_SIZE=1, the default before issue 16).
import { loadConfig } from '../shared/config.js';
import { createGateway, type Gateway } from '../shared/gateway.js';
import { chunks, mixedCorpus } from './lib/corpus.js';
import { loadRawModel } from './lib/ort-floor.js';
import { median, medianRatio, summarize } from './lib/stats.js';
import { fixed, interleave, machineNote, perSecond, ratio, summaryLine, table, timed } from './lib/timing.js';

const TEXTS = Number(process.env.BENCH_TEXTS ?? 128);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCHES = [1, 8, 32];

const texts = mixedCorpus({ count: TEXTS, seed: 42 });
const local = (env: Record<string, string>): Gateway['local'] => createGateway(loadConfig({ LOG_LEVEL: 'error', ...env })).local;
const gatewayDefault = local({});
const gatewayBatched = local({ LOCAL_MAX_BATCH_SIZE: '1' });
const raw = await loadRawModel();

const ids = await Promise.all(texts.map((text) => gatewayDefault.tokenize(text)));
const lengths = summarize(ids.map((seq) => seq.length));
const options = { task: 'RETRIEVAL_DOCUMENT' as const, truncate: false };

// Same model, same ids: the floor's CLS vector, normalised, must be the gateway's vector.
let maxDiff = 0;
for (const i of [0, 1, 2]) {
  const [floor] = await raw.run([ids[i]!]);
  const norm = Math.hypot(...floor!);
  const { vectors } = await gatewayDefault.embed([{ text: texts[i]! }], options);
  floor!.forEach((v, h) => (maxDiff = Math.max(maxDiff, Math.abs(v / norm - vectors[0]!.values[h]!))));
}

async function pass(run: (batch: number[]) => Promise<unknown>, size: number): Promise<number> {
  const indexes = chunks([...texts.keys()], size);
  const { ms } = await timed(async () => {
    for (const batch of indexes) await run(batch);
  });
  return perSecond(texts.length, ms);
}

const contenders = (size: number) => ({
  raw: () => pass((batch) => raw.run(batch.map((i) => ids[i]!)), size),
  gatewayDefault: () => pass((batch) => gatewayDefault.embed(batch.map((i) => ({ text: texts[i]! })), options), size),
  gatewayBatched: () => pass((batch) => gatewayBatched.embed(batch.map((i) => ({ text: texts[i]! })), options), size),
});

// Warm-up: first runs allocate arenas and page in the model.
for (const run of Object.values(contenders(8))) await run();

interface Row { raw: number; gatewayDefault: number; gatewayBatched: number; defaultRatio: number; batchedRatio: number }
const results: Record<number, Row> = {};
for (const size of BATCHES) {
  const rounds = await interleave(ROUNDS, contenders(size));
  results[size] = {
    raw: median(rounds.raw),
    gatewayDefault: median(rounds.gatewayDefault),
    gatewayBatched: median(rounds.gatewayBatched),
    defaultRatio: medianRatio(rounds.gatewayDefault, rounds.raw),
    batchedRatio: medianRatio(rounds.gatewayBatched, rounds.raw),
  };
}

// The fastest raw batch size is the real floor. Ratios are taken within a row (same rounds);
// dividing medians across rows would mix different moments of a noisy machine.
const bestSize = BATCHES.reduce((best, size) => (results[size]!.raw > results[best]!.raw ? size : best));

console.log('## local-throughput: local provider vs raw onnxruntime-node\n');
console.log(`${TEXTS} mixed Chinese/English texts, tokens per text min ${lengths.min} / median ${lengths.median} / max ${lengths.max}; median of ${ROUNDS} interleaved rounds.`);
console.log(`Texts are handed over in consecutive calls of N texts (raw: one padded run of N; gateway: one embed() call of N, tokenization included).`);
console.log(`Same model and ids: max |gateway − raw batch-1| = ${maxDiff.toExponential(1)} per component.\n`);
console.log(table(
  ['texts per call', 'raw ORT texts/s', 'gateway default texts/s', 'ratio', 'gateway LOCAL_MAX_BATCH_SIZE=1 texts/s', 'ratio'],
  BATCHES.map((size) => {
    const r = results[size]!;
    return [size, fixed(r.raw), fixed(r.gatewayDefault), ratio(r.defaultRatio), fixed(r.gatewayBatched), ratio(r.batchedRatio)];
  }),
));
console.log(`\nRatios are medians of per-round ratios. Fastest raw floor this run: batch ${bestSize} (${fixed(results[bestSize]!.raw)} texts/s); the gateway default against raw batch 1 is the first row's ratio.`);
console.log(await machineNote(), '(shared machine: other work was running; compare ratios, not absolute numbers)');
summaryLine(`local-throughput: gateway default = ${ratio(results[32]!.defaultRatio)} raw ORT batch 32 (target ≥0.9×) and ${ratio(results[1]!.defaultRatio)} raw ORT batch 1 (fastest raw: batch ${bestSize}); LOCAL_MAX_BATCH_SIZE=1 = ${ratio(results[32]!.batchedRatio)} raw batch 32`);
