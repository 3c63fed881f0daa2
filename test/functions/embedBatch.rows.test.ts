// Row output end to end: a 1,000-item job with two models (the fake Vertex over gRPC and the
// bundled model) gives 2,000 row messages, every one a valid row of the BigQuery table schema.
// The function's process is killed (SIGKILL) mid-job and a restarted one takes the redelivery:
// deduplicated by result_id, no row is missing and none differs from its copy but in created_at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KillableFunctions } from '../helpers/killable-function.js';
import { freePort } from '../../scripts/lib/ports.js';
import { startFakeVertex, type FakeVertex } from '../fakes/vertex-server.js';
import { loadRowsSchema, rowProblems } from '../helpers/bq-schema.js';
import { PubSubFixture, sampleTexts, uniquePrefix, type Collector } from '../helpers/pubsub.js';
import { vertexEnv } from '../helpers/vertex.js';

const ITEMS = 1000;
const SHARD_ITEMS = 100;
const fx = new PubSubFixture(uniquePrefix('i14rows'));
let results: Collector;
let fake: FakeVertex;
const functions = new KillableFunctions();

beforeAll(async () => {
  fake = await startFakeVertex({ transport: 'grpc' });
  results = await fx.collect(await fx.topic('results'));
});

afterAll(async () => {
  functions.killAll();
  await fake?.close();
  await fx.cleanup();
});



describe('embedBatch rows output, killed mid-job', () => {
  it('delivers 2,000 schema-valid rows for 1,000 items and two models, none missing after redelivery', { timeout: 600_000 }, async () => {
    const schema = loadRowsSchema();
    const jobId = `rows-crash-${Date.now().toString(36)}`;
    const port = await freePort();
    const env = vertexEnv(fake, { RESULTS_TOPIC: fx.topicPath('results'), BATCH_SHARD_MAX_ITEMS: String(SHARD_ITEMS), BATCH_STATE_STORE: 'memory' });
    const jobs = await fx.topic('jobs');
    await fx.push(jobs, `http://127.0.0.1:${port}`);
    const texts = sampleTexts(ITEMS, 90_000);
    const first = await functions.start(port, env);
    await fx.publishJob(jobs, { job_id: jobId, output: 'rows', models: ['vertex', 'local'], items: texts.map((text, i) => ({ id: `i${i}`, text })) });

    await results.until(() => results.forJob(jobId).length >= 3 * SHARD_ITEMS * 2, 180_000, 'three shards of rows');
    functions.kill(first);
    await new Promise((r) => first.once('exit', r));
    const beforeCrash = new Set(results.forJob(jobId).map((m) => m.body.result_id));
    expect(beforeCrash.size).toBeLessThan(2 * ITEMS); // killed mid-job, not after it

    await functions.start(port, env);
    await results.until(() => new Set(results.forJob(jobId).map((m) => m.body.result_id)).size >= 2 * ITEMS, 240_000, '2,000 distinct rows');

    const messages = results.forJob(jobId);
    const byId = new Map<string, any>();
    for (const { attributes, body } of messages) {
      expect(rowProblems(body, schema), JSON.stringify(body).slice(0, 300)).toEqual([]);
      expect(attributes).toMatchObject({ format: 'row', kind: 'row', job_id: jobId, result_id: body.result_id });
      const earlier = byId.get(body.result_id);
      // A republished row is the same row; only the time it was made differs.
      if (earlier) expect({ ...body, created_at: 0 }).toEqual({ ...earlier, created_at: 0 });
      else byId.set(body.result_id, body);
    }
    expect(byId.size).toBe(2 * ITEMS);
    expect(messages.length).toBeGreaterThan(byId.size); // the in-memory record died: some rows came twice
    const models = new Set([...byId.values()].map((row) => row.model));
    expect(models.size).toBe(2);
    expect(models.has('text-multilingual-embedding-002')).toBe(true);
    for (let i = 0; i < ITEMS; i++) {
      for (const m of [0, 1]) {
        const row = byId.get(`${jobId}#i${i}#${m}`);
        expect(row?.item_id).toBe(`i${i}`);
        expect(row.error).toBeNull();
        expect(row.embedding).toHaveLength(row.dimensions);
      }
    }
  });
});
