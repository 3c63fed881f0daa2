// Batch throughput: one job of N items (default 10,000) published to the Pub/Sub emulator,
// pushed to embedBatch behind the real functions-framework, embedded by the bundled model and
// collected from the results topic, against the floor: the local provider embedding the same
// texts directly, in the same process, in the same run. Target: batch >= 0.8x the floor.
// Also the rows output (`output: "rows"`, one message per item and model) against the shards
// output (the default) on the same items in the same run. Target: rows >= 0.9x shards.
// Usage: tsx bench/batch.bench.ts [items] [rounds]  (or BENCH_BATCH_ITEMS / BENCH_ROUNDS)
import { randomBytes } from 'node:crypto';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { rowResultId } from '../shared/batch/rows.js';
import { startTestServer } from '../test/helpers/server.js';
import { ports, startServices, stopServices } from '../test/setup/services.js';
import { chunks, mixedCorpus } from './lib/corpus.js';
import { median } from './lib/stats.js';
import { fixed, interleave, machineNote, perSecond, ratio, summaryLine, table, timed } from './lib/timing.js';

const ITEMS = Number(process.argv[2] ?? process.env.BENCH_BATCH_ITEMS ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? process.env.BENCH_ROUNDS ?? 2);
const PROJECT = 'test-proj';
const prefix = `bench-batch-${randomBytes(3).toString('hex')}`;
const resultsTopic = `projects/${PROJECT}/topics/${prefix}-results`;

process.env.PUBSUB_EMULATOR_HOST ??= `127.0.0.1:${ports.pubsub}`;
process.env.METADATA_SERVER_DETECTION = 'none';
await startServices(); // reuses emulators already running

const env = { LOG_LEVEL: 'error', RESULTS_TOPIC: resultsTopic, BATCH_STATE_STORE: 'memory', CACHE_L1_BYTES: '0', CACHE_STORE: 'none' };
const server = await startTestServer(env);
const gw = server.gateway;

const pubsub = new PubSub({ projectId: PROJECT });
const [results] = await pubsub.createTopic(`${prefix}-results`);
const [jobs] = await pubsub.createTopic(`${prefix}-jobs`);
await jobs.createSubscription(`${prefix}-push`, {
  pushConfig: { pushEndpoint: `${server.url}/projects/${PROJECT}/topics/${prefix}-jobs` },
  ackDeadlineSeconds: 600,
});
const [pull] = await results.createSubscription(`${prefix}-pull`, { ackDeadlineSeconds: 60 });

const waiting = new Map<string, { ids: Set<string>; done: () => void }>();
pull.on('message', (message: Message) => {
  message.ack();
  const job = waiting.get(message.attributes.job_id ?? '');
  if (!job) return;
  const body = JSON.parse(message.data.toString('utf8'));
  // A row message (format=row) carries one (item, model); a shard message carries many items.
  // Keyed by result_id for rows, so a job with several models waits for every (item, model).
  if (message.attributes.format === 'row') job.ids.delete(body.result_id as string);
  else for (const item of body.items as { id: string }[]) job.ids.delete(item.id);
  if (job.ids.size === 0) job.done();
});

const texts = mixedCorpus({ count: ITEMS, seed: 7 });
const options = { task: 'RETRIEVAL_DOCUMENT' as const, truncate: true };
let round = 0;

/** The floor: the provider itself, 1,000 texts per call (what one /embed request may carry). */
async function floorPass(list: string[]): Promise<number> {
  const { ms } = await timed(async () => {
    for (const batch of chunks(list, 1000)) await gw.local.embed(batch.map((text) => ({ text })), options);
  });
  return perSecond(list.length, ms);
}

/**
 * Publish the job, then wait until every item id (shards) or every row's result_id (rows, one
 * per item for the one default model) has arrived on the results topic.
 */
async function batchPass(list: string[], output: 'shards' | 'rows' = 'shards'): Promise<number> {
  const jobId = `bench-${round++}-${randomBytes(3).toString('hex')}`;
  const expected = list.map((_, i) => (output === 'rows' ? rowResultId(jobId, `t${i}`, 0) : `t${i}`));
  const { ms } = await timed(async () => {
    const finished = new Promise<void>((done) => waiting.set(jobId, { ids: new Set(expected), done }));
    const body = { job_id: jobId, output, items: list.map((text, i) => ({ id: `t${i}`, text })) };
    await jobs.publishMessage({ data: Buffer.from(JSON.stringify(body)) });
    await finished;
  });
  waiting.delete(jobId);
  return perSecond(list.length, ms);
}

// Warm-up: loads the model and the Pub/Sub clients on both paths.
await floorPass(texts.slice(0, 50));
await batchPass(texts.slice(0, 200));
await batchPass(texts.slice(0, 200), 'rows');

const contenders = { floor: () => floorPass(texts), batch: () => batchPass(texts), rows: () => batchPass(texts, 'rows') };
const rounds = await interleave(ROUNDS, contenders);
const floor = median(rounds.floor);
const batch = median(rounds.batch);
const rows = median(rounds.rows);
const ratios = rounds.batch.map((b, i) => b / rounds.floor[i]!);
const rowRatios = rounds.rows.map((r, i) => r / rounds.batch[i]!);

console.log(`## Batch jobs through Pub/Sub: ${ITEMS} items per job, ${ROUNDS} interleaved rounds (median)`);
console.log(await machineNote());
console.log('The machine is shared with other work in progress: compare the ratio, not the absolute rates.');
console.log(table(['path', 'items/s (median)', 'rounds'], [
  ['local provider (floor)', fixed(floor), rounds.floor.map((v) => fixed(v)).join(', ')],
  ['emulator → embedBatch → results topic', fixed(batch), rounds.batch.map((v) => fixed(v)).join(', ')],
  ['same, output: "rows" (one message per item)', fixed(rows), rounds.rows.map((v) => fixed(v)).join(', ')],
]));
summaryLine(`batch ${fixed(batch)} items/s vs local provider ${fixed(floor)} items/s = ${ratio(median(ratios))} of the floor (target ≥ 0.80×), ${ITEMS} items/job`);
summaryLine(`batch rows ${fixed(rows)} items/s vs shards ${fixed(batch)} items/s = ${ratio(median(rowRatios))} (target ≥ 0.90×), ${ITEMS} items/job`);

await pull.close();
for (const name of [`${prefix}-pull`, `${prefix}-push`]) await pubsub.subscription(name).delete().catch(() => undefined);
await results.delete();
await jobs.delete();
await pubsub.close();
await server.close();
stopServices();
process.exit(0);
