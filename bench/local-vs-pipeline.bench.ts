// The local provider against what a JavaScript user writes today: transformers.js
// pipeline('feature-extraction') with CLS pooling and normalisation, called with fixed batches
// of 32 on the same mixed-length corpus and the same model file, offline. The pipeline pads
// every batch to its longest text; the gateway runs one text per run (its default), so it pays
// for no padding at all. A third contender shows the other lever, sorting by length: the whole
// corpus in one call with LOCAL_MAX_BATCH_SIZE=32, which the batcher cuts into sorted batches.
import path from 'node:path';
import { loadConfig } from '../shared/config.js';
import { createGateway } from '../shared/gateway.js';
import { chunks, mixedCorpus } from './lib/corpus.js';
import { modelDir } from './lib/ort-floor.js';
import { median, medianRatio } from './lib/stats.js';
import { fixed, interleave, machineNote, perSecond, ratio, summaryLine, table, timed } from './lib/timing.js';

const TEXTS = Number(process.env.BENCH_TEXTS ?? 128);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCH = 32;

const texts = mixedCorpus({ count: TEXTS, seed: 42 });
const batches = chunks(texts, BATCH);
const options = { task: 'RETRIEVAL_DOCUMENT' as const, truncate: true };
const gatewayDefault = createGateway(loadConfig({ LOG_LEVEL: 'error' })).local;
const gatewaySorted = createGateway(loadConfig({ LOG_LEVEL: 'error', LOCAL_MAX_BATCH_SIZE: String(BATCH) })).local;

const { pipeline, env } = await import('@huggingface/transformers');
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.dirname(modelDir) + '/';
const extractor = await pipeline('feature-extraction', path.basename(modelDir), { dtype: 'q8', device: 'cpu' });

async function pass(run: () => Promise<unknown>): Promise<number> {
  const { ms } = await timed(run);
  return perSecond(texts.length, ms);
}

const contenders = {
  pipeline: () => pass(async () => {
    for (const batch of batches) await extractor(batch, { pooling: 'cls', normalize: true });
  }),
  gatewayDefault: () => pass(async () => {
    for (const batch of batches) await gatewayDefault.embed(batch.map((text) => ({ text })), options);
  }),
  gatewaySorted: () => pass(() => gatewaySorted.embed(texts.map((text) => ({ text })), options)),
};

// Warm-up, and how far the pipeline's padded batches move vectors from the exact ones.
for (const run of Object.values(contenders)) await run();
const exact = (await gatewayDefault.embed(batches[0]!.map((text) => ({ text })), options)).vectors;
const padded = (await extractor(batches[0]!, { pooling: 'cls', normalize: true })).tolist() as number[][];
let drift = 0;
padded.forEach((row, i) => row.forEach((v, h) => (drift = Math.max(drift, Math.abs(v - exact[i]!.values[h]!)))));

const rounds = await interleave(ROUNDS, contenders);
const vsPipeline = medianRatio(rounds.gatewayDefault, rounds.pipeline);
const sortedVsPipeline = medianRatio(rounds.gatewaySorted, rounds.pipeline);

console.log('## local-vs-pipeline: local provider vs transformers.js pipeline, batches of 32\n');
console.log(`${TEXTS} mixed Chinese/English texts (same seeded corpus as local-throughput); median of ${ROUNDS} interleaved rounds; ratios are medians of per-round ratios.\n`);
console.log(table(['contender', 'texts/s', 'vs pipeline'], [
  [`pipeline('feature-extraction'), q8, pooling cls, normalize, calls of ${BATCH}`, fixed(median(rounds.pipeline)), '1.00×'],
  [`gateway local.embed, default (1 text per run), calls of ${BATCH}`, fixed(median(rounds.gatewayDefault)), ratio(vsPipeline)],
  [`gateway local.embed, LOCAL_MAX_BATCH_SIZE=${BATCH}, one call (sorted by length, batches of ${BATCH})`, fixed(median(rounds.gatewaySorted)), ratio(sortedVsPipeline)],
]));
console.log(`\nThe pipeline's padded batch moves vectors by up to ${drift.toExponential(1)} per component from the gateway's exact one-text-per-run vectors (int8 dynamic quantization of the whole batch tensor).`);
console.log(await machineNote(), '(shared machine: other work was running; compare ratios, not absolute numbers)');
summaryLine(`local-vs-pipeline: gateway default = ${ratio(vsPipeline)} transformers.js pipeline at batches of ${BATCH} (target ≥2×); sorted batches of ${BATCH} = ${ratio(sortedVsPipeline)}`);
