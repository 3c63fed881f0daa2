// Batch jobs with Vertex (the fake, over gRPC, reached by the real aiplatform client) and the
// bundled model: two vectors per item keyed by model, and fallback off meaning redelivery.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeEmbedding } from '../fakes/vertex-server.js';
import { PubSubFixture, sampleTexts, uniquePrefix, type Collector } from '../helpers/pubsub.js';
import { isAck, PushRecorder } from '../helpers/push-recorder.js';
import { fakeVertexServer, maxDiff } from '../helpers/vertex.js';

const MODEL = 'text-multilingual-embedding-002';
const fx = new PubSubFixture(uniquePrefix('b6vx'));
// No client-side retries: each failed delivery is one failed Vertex call, easy to count.
const vx = fakeVertexServer({ env: {
  RESULTS_TOPIC: fx.topicPath('results'), VERTEX_RETRIES: '0', BATCH_SHARD_MAX_ITEMS: '50', BATCH_MAX_ATTEMPTS: '5', BATCH_STATE_STORE: 'memory',
} });
let results: Collector;
let localModel: string;
let push: PushRecorder;

beforeAll(async () => {
  results = await fx.collect(await fx.topic('results'));
  localModel = (await vx.post('/embed', { inputs: ['x'], model: 'local' })).json.model;
  push = await PushRecorder.start(vx.server.url);
});

afterAll(async () => {
  await push?.close();
  await fx.cleanup();
});

async function jobsTopic(name: string) {
  const topic = await fx.topic(name);
  await fx.push(topic, push.url);
  return topic;
}

const job = (jobId: string, texts: string[], extra: Record<string, unknown>) => ({
  job_id: jobId, items: texts.map((text, i) => ({ id: `${jobId}-${i}`, text })), ...extra,
});

describe('embedBatch with Vertex and the bundled model', () => {
  it('returns both vectors for every item, each keyed by the model that made it', async () => {
    const topic = await jobsTopic('two');
    const texts = sampleTexts(120, 70_000);
    await fx.publishJob(topic, job('two-1', texts, { models: ['vertex', 'local'], task: 'RETRIEVAL_DOCUMENT' }));
    const local = await vx.post('/embed', { inputs: texts, model: 'local', task: 'RETRIEVAL_DOCUMENT' });
    await results.untilItems('two-1', texts.length);

    const messages = results.forJob('two-1');
    expect(messages).toHaveLength(3);
    for (const m of messages) {
      expect(m.attributes.model).toBe(`${MODEL},${localModel}`);
      expect(m.body.models).toEqual([
        { selector: 'vertex', model: MODEL, provider: 'vertex', fallback: { used: false } },
        { selector: 'local', model: localModel, provider: 'local', fallback: { used: false } },
      ]);
    }
    const items = results.items('two-1');
    expect(items).toHaveLength(texts.length);
    items.forEach((item) => {
      const i = Number(item.id.split('-').pop());
      expect(Object.keys(item.vectors).sort()).toEqual([MODEL, localModel].sort());
      expect(item.vectors[MODEL]).toHaveLength(768);
      expect(maxDiff(item.vectors[MODEL], fakeEmbedding(MODEL, 'RETRIEVAL_DOCUMENT', texts[i]!))).toBeLessThan(1e-6);
      expect(item.vectors[localModel]).toEqual(local.json.embeddings[i].values);
    });
  });

  it('with Vertex failing and fallback off, is redelivered instead of answered with local vectors', async () => {
    const topic = await jobsTopic('down');
    vx.fake.fail(503, { times: 2 });
    const texts = sampleTexts(30, 71_000);
    const messageId = await fx.publishJob(topic, job('down-1', texts, { models: ['vertex'] }));
    await results.untilItems('down-1', texts.length);
    expect((await push.acked(messageId)).map(isAck)).toEqual([false, false, true]);
    await results.drain();

    // Two deliveries met UNAVAILABLE; the third got Vertex's vectors. No fallback in between.
    expect(vx.fake.calls.map((c) => c.result).slice(0, 3)).toEqual(['UNAVAILABLE', 'UNAVAILABLE', 'ok']);
    const messages = results.forJob('down-1');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body.models).toEqual([{ selector: 'vertex', model: MODEL, provider: 'vertex', fallback: { used: false } }]);
    for (const item of results.items('down-1')) expect(Object.keys(item.vectors)).toEqual([MODEL]);
  });

  it('with fallback opted in, answers from the bundled model and says so under its own model id', async () => {
    const topic = await jobsTopic('optin');
    vx.fake.fail(503, { times: Infinity });
    await fx.publishJob(topic, job('optin-1', ['回退到本地模型', 'fallback on purpose'], { models: ['vertex'], fallback: true }));
    await results.untilItems('optin-1', 2);

    const [message] = results.forJob('optin-1');
    expect(message!.body.models).toEqual([{ selector: 'vertex', model: localModel, provider: 'local', fallback: { used: true, reason: expect.any(String) } }]);
    for (const item of message!.body.items) expect(Object.keys(item.vectors)).toEqual([localModel]);
  });

  it('finds the one item Vertex refuses without naming it, and embeds its neighbours', async () => {
    const topic = await jobsTopic('refuse');
    const texts = sampleTexts(12, 72_000);
    texts[7] = '长'.repeat(2100); // past Vertex's 2,048 tokens, with autoTruncate off
    await fx.publishJob(topic, job('refuse-1', texts, { models: ['vertex'], truncate: false }));
    await results.untilItems('refuse-1', texts.length);

    const items = results.items('refuse-1');
    expect(items.filter((item) => item.error).map((item) => item.id)).toEqual(['refuse-1-7']);
    expect(items[7].error).toMatchObject({ type: 'invalid_request', field: 'items[7]' });
    expect(items[7].error.message).toMatch(/token/);
    expect(items.filter((item) => item.vectors)).toHaveLength(11);
  });
});
