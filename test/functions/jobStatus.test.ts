// GET /jobs/{job_id} on the dev server while embedBatch runs jobs pushed by the Pub/Sub emulator:
// a job caught mid-way, a finished one and one that gave up, read from the completion store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WithBatch } from '../../shared/batch/services.js';
import type { Gateway } from '../../shared/gateway.js';
import type { EmbeddingProvider } from '../../shared/providers/types.js';
import { withFaults } from '../helpers/faults.js';
import { PubSubFixture, sampleTexts, sleep, uniquePrefix } from '../helpers/pubsub.js';
import { serveGateway, startTestServer } from '../helpers/server.js';

const fx = new PubSubFixture(uniquePrefix('i14status'));
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  await fx.collect(await fx.topic('results'));
  server = await startTestServer({
    RESULTS_TOPIC: fx.topicPath('results'), BATCH_SHARD_MAX_ITEMS: '50', BATCH_MAX_ATTEMPTS: '2', BATCH_STATE_STORE: 'memory',
    CACHE_L1_BYTES: '0', CACHE_STORE: 'none',
  });
});

afterAll(async () => {
  await Promise.all(variants.map((v) => v.close()));
  await server?.close();
  await fx.cleanup();
});

/**
 * A jobs topic pushed to a server on a variant of the test's gateway (its providers held or
 * failing). The variant shares the gateway's completion store, which GET /jobs reads.
 */
async function jobsTopic(name: string, variant: WithBatch<Gateway>) {
  const pushed = await serveGateway(variant);
  variants.push(pushed);
  const topic = await fx.topic(name);
  await fx.push(topic, pushed.url);
  return topic;
}
const variants: Awaited<ReturnType<typeof serveGateway>>[] = [];

const status = async (jobId: string) => {
  const res = await fetch(`${server.url}/jobs/${encodeURIComponent(jobId)}`);
  return { status: res.status, json: (await res.json()) as any };
};

async function until(jobId: string, predicate: (s: any) => boolean, what: string) {
  const stop = Date.now() + 120_000;
  for (;;) {
    const s = await status(jobId);
    if (s.status === 200 && predicate(s.json)) return s.json;
    if (Date.now() > stop) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s.json)}`);
    await sleep(100);
  }
}

describe('GET /jobs/{job_id}', () => {
  it('reports a running job, then the same job done, with its counts', async () => {
    const texts = sampleTexts(100, 70_000);
    texts[7] = ' '; // one item error in shard 0
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Shard 1's texts wait at the provider until the test has seen the job running.
    const held = (provider: EmbeddingProvider): EmbeddingProvider => ({
      ...provider,
      name: provider.name,
      info: () => provider.info(),
      health: () => provider.health(),
      async embed(inputs, options) {
        if (inputs.some((input) => texts.indexOf(input.text) >= 50)) await gate;
        return provider.embed(inputs, options);
      },
    });
    const gw = server.gateway;
    const topic = await jobsTopic('running', { ...gw, resolve: (s, f) => held(gw.resolve(s, f)) });
    await fx.publishJob(topic, { job_id: 'st-run', items: texts.map((text, i) => ({ id: `d${i}`, text })) });

    const running = await until('st-run', (s) => s.shards.done === 1, 'shard 0');
    expect(running).toMatchObject({
      job_id: 'st-run', state: 'running', shards: { total: 2, done: 1 }, items: { total: 100, embedded: 49, failed: 1 }, deliveries: 1,
    });
    expect(Date.parse(running.first_update)).toBeLessThanOrEqual(Date.parse(running.last_update));

    release();
    const done = await until('st-run', (s) => s.state !== 'running', 'the job to finish');
    expect(done).toMatchObject({ state: 'done', shards: { total: 2, done: 2 }, items: { total: 100, embedded: 99, failed: 1 }, deliveries: 1 });
    expect(Date.parse(done.last_update)).toBeGreaterThanOrEqual(Date.parse(running.last_update));
  });

  it('reports a job that gave up after BATCH_MAX_ATTEMPTS deliveries as failed', async () => {
    const texts = sampleTexts(60, 80_000);
    const topic = await jobsTopic('giveup', withFaults(server.gateway, (inputs) => inputs.some((input) => input.text === texts[55])));
    await fx.publishJob(topic, { job_id: 'st-fail', items: texts.map((text, i) => ({ id: `d${i}`, text })) });

    const failed = await until('st-fail', (s) => s.state !== 'running', 'the job to give up');
    // Shard 0 was embedded on the first delivery; shard 1 kept failing and was published as errors.
    expect(failed).toMatchObject({ state: 'failed', shards: { total: 2, done: 2 }, items: { total: 60, embedded: 50, failed: 10 }, deliveries: 2 });
  });

  it('answers 404 for a job never delivered, and 400 for a malformed id, in the one error shape', async () => {
    const missing = await status('never-sent');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ type: 'not_found', field: 'job_id' });
    const bad = await status('-bad id');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ type: 'invalid_request', field: 'job_id' });
  });
});
