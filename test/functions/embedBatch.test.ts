// embedBatch end to end: the real Pub/Sub emulator pushes job messages to the real
// functions-framework (dev server) through a recording proxy, results are pulled from the results
// topic. "Nothing more comes" is awaited, not slept on: the job's delivery was answered 2xx (Pub/Sub
// acked it, so it is not delivered again) and a sentinel published after it reached the collector.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPubSubPublisher } from '../../shared/batch/publisher.js';
import type { WithBatch } from '../../shared/batch/services.js';
import type { Gateway } from '../../shared/gateway.js';
import { withFaults } from '../helpers/faults.js';
import { PubSubFixture, sampleTexts, uniquePrefix, type Collector } from '../helpers/pubsub.js';
import { isAck, PushRecorder } from '../helpers/push-recorder.js';
import { postJson, serveGateway, startTestServer } from '../helpers/server.js';

const SHARD_ITEMS = 300;
const MAX_ATTEMPTS = 3;
const fx = new PubSubFixture(uniquePrefix('b6fn'));
let server: Awaited<ReturnType<typeof startTestServer>>;
let results: Collector;
let push: PushRecorder;

beforeAll(async () => {
  const resultsTopic = await fx.topic('results');
  results = await fx.collect(resultsTopic);
  server = await startTestServer({
    RESULTS_TOPIC: fx.topicPath('results'),
    BATCH_SHARD_MAX_ITEMS: String(SHARD_ITEMS),
    BATCH_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    BATCH_STATE_STORE: 'memory',
    // /embed must compute its own vectors, not read the batch's back from the cache.
    CACHE_L1_BYTES: '0',
    CACHE_STORE: 'none',
  });
  push = await PushRecorder.start(server.url);
});

/** Servers on variants of the test's gateway (a failing provider, a failing publisher), and their recorders. */
const variants: { close(): Promise<void> }[] = [];

afterAll(async () => {
  for (const variant of variants) await variant.close();
  await push?.close();
  await server?.close();
  await fx.cleanup();
});

/**
 * A fresh jobs topic pushed (through a recorder) to the dev server, or to a server on a variant
 * of its gateway (a failing provider, a failing publisher) with a recorder of its own.
 */
async function jobsTopic(name: string, options: { deadLetter?: { maxDeliveryAttempts: number }; variant?: WithBatch<Gateway> } = {}) {
  const { deadLetter, variant } = options;
  let recorder = push;
  if (variant) {
    const pushed = await serveGateway(variant);
    recorder = await PushRecorder.start(pushed.url);
    variants.push(recorder, pushed);
  }
  const topic = await fx.topic(name);
  const dlq = deadLetter ? await fx.topic(`${name}-dlq`) : undefined;
  const dlqCollector = dlq ? await fx.collect(dlq, `${name}-dlq-pull`) : undefined;
  await fx.push(topic, recorder.url, dlq ? { deadLetterTopic: dlq, maxDeliveryAttempts: deadLetter!.maxDeliveryAttempts } : {});
  return { topic, dlqCollector, recorder };
}

const job = (jobId: string, texts: string[], extra: Record<string, unknown> = {}) => ({
  job_id: jobId,
  items: texts.map((text, i) => ({ id: `${jobId}-item-${i}`, text })),
  ...extra,
});

function countById(items: { id: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.id, (counts.get(item.id) ?? 0) + 1);
  return counts;
}

describe('embedBatch', () => {
  it('answers a 1,000-item job with every id exactly once, vectors equal to /embed', async () => {
    const { topic } = await jobsTopic('big');
    const texts = sampleTexts(1000);
    const messageId = await fx.publishJob(topic, job('big-1', texts, { task: 'RETRIEVAL_DOCUMENT' }));
    const reference = await postJson(`${server.url}/embed`, { inputs: texts, task: 'RETRIEVAL_DOCUMENT' });
    expect(reference.status).toBe(200);
    await results.untilItems('big-1', 1000);
    expect((await push.acked(messageId)).map(isAck)).toEqual([true]);
    await results.drain();

    const messages = results.forJob('big-1');
    expect(messages.map((m) => m.attributes.shard).sort()).toEqual(['0', '1', '2', '3']);
    for (const m of messages) {
      expect(m.attributes).toMatchObject({ kind: 'items', job_id: 'big-1', shards: '4', errors: '0', model: reference.json.model });
      expect(m.attributes.result_id).toBe(`big-1#${m.attributes.shard}`);
      expect(Number(m.attributes.items)).toBe(m.body.items.length);
      expect(m.body.models).toEqual([{ selector: 'auto', model: reference.json.model, provider: 'local', fallback: { used: false } }]);
    }
    const items = results.items('big-1');
    const counts = countById(items);
    expect(items).toHaveLength(1000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const byId = new Map(items.map((item) => [item.id, item]));
    texts.forEach((_, i) => {
      expect(byId.get(`big-1-item-${i}`).vectors).toEqual({ [reference.json.model]: reference.json.embeddings[i].values });
    });
  });

  it('survives a provider failure on the first attempt: redelivered, earlier shards not republished', async () => {
    const texts = sampleTexts(2 * SHARD_ITEMS, 5000);
    let failures = 0;
    const calls: string[] = [];
    const { topic, recorder } = await jobsTopic('flaky', {
      variant: withFaults(server.gateway, (inputs) => {
        calls.push(inputs[0]!.text);
        // Shard 1 fails the first time; shard 0 has been published by then.
        if (inputs[0]!.text === texts[SHARD_ITEMS] && failures === 0) return ++failures > 0;
        return false;
      }),
    });
    const messageId = await fx.publishJob(topic, job('flaky-1', texts));
    await results.untilItems('flaky-1', texts.length);
    // The first delivery failed (redelivered), the second was acked.
    expect((await recorder.acked(messageId)).map(isAck)).toEqual([false, true]);
    await results.drain();

    expect(failures).toBe(1);
    expect(calls.filter((t) => t === texts[0])).toHaveLength(1);
    expect(calls.filter((t) => t === texts[SHARD_ITEMS])).toHaveLength(2);
    expect(results.forJob('flaky-1').map((m) => m.attributes.shard).sort()).toEqual(['0', '1']);
    const counts = countById(results.items('flaky-1'));
    expect(counts.size).toBe(texts.length);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('answers a malformed message with one error result, acks it, and serves the next job', async () => {
    const { topic } = await jobsTopic('malformed');
    const badId = await fx.publishJob(topic, '{"job_id": "bad-json", "items": [');
    const badSchemaId = await fx.publishJob(topic, { job_id: 'bad-schema', items: [{ id: 'a' }] });
    const goodId = await fx.publishJob(topic, job('after-bad', ['坏消息之后的好任务', 'a good job after the bad ones']));
    await results.untilItems('after-bad', 2);
    await results.until(() => results.forJob('bad-schema').length > 0);
    // Each acked on its first delivery: none was nacked and delivered again.
    for (const id of [badId, badSchemaId, goodId]) expect((await push.acked(id)).map(isAck)).toEqual([true]);
    await results.drain();

    const badJson = results.messages.filter((m) => m.attributes.source_message_id === badId);
    expect(badJson).toHaveLength(1);
    expect(badJson[0]!.attributes).toMatchObject({ kind: 'job_error', result_id: `message-${badId}#error`, items: '0' });
    expect(badJson[0]!.body.error).toMatchObject({ type: 'invalid_request', field: 'body' });
    expect(badJson[0]!.body.job_id).toBeNull();

    const badSchema = results.forJob('bad-schema');
    expect(badSchema).toHaveLength(1);
    expect(badSchema[0]!.body.error).toMatchObject({ type: 'invalid_request', field: 'items[0].text' });

    const good = results.items('after-bad');
    expect(good).toHaveLength(2);
    expect(good.every((item) => (Object.values(item.vectors)[0] as number[]).length === 512)).toBe(true);
  });

  it('gives an item that cannot be embedded its own error and embeds the rest', async () => {
    const { topic } = await jobsTopic('itemerr');
    const texts = ['第一条没问题', '长'.repeat(600), '   ', 'the last one is fine', 'x'.repeat(300_000)];
    await fx.publishJob(topic, job('itemerr-1', texts, { truncate: false }));
    await results.untilItems('itemerr-1', texts.length);
    const [message] = results.forJob('itemerr-1');
    expect(message!.attributes).toMatchObject({ items: '5', errors: '3' });
    const items = message!.body.items;
    expect(items.map((i: any) => i.id)).toEqual(texts.map((_, i) => `itemerr-1-item-${i}`));
    expect(items[0].vectors).toBeDefined();
    expect(items[3].vectors).toBeDefined();
    expect(items[1].error).toMatchObject({ type: 'invalid_request', field: 'items[1]' });
    expect(items[1].error.message).toMatch(/tokens/);
    expect(items[2].error).toMatchObject({ type: 'invalid_request', field: 'items[2].text' });
    expect(items[4].error).toMatchObject({ type: 'too_large', field: 'items[4].text' });
  });

  it('stops after BATCH_MAX_ATTEMPTS deliveries and publishes an error for every item', async () => {
    const texts = sampleTexts(20, 9000).map((t) => `${t} always-fails`);
    let calls = 0;
    const { topic, recorder } = await jobsTopic('poison', { variant: withFaults(server.gateway, (inputs) => inputs[0]!.text.endsWith('always-fails') && ++calls > 0) });
    const messageId = await fx.publishJob(topic, job('poison-1', texts));
    await results.untilItems('poison-1', texts.length);
    // Refused (redelivered) until the last attempt, which answers with errors and is acked.
    expect((await recorder.acked(messageId)).map(isAck)).toEqual([...Array(MAX_ATTEMPTS - 1).fill(false), true]);
    await results.drain();

    expect(calls).toBe(MAX_ATTEMPTS);
    const messages = results.forJob('poison-1');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.attributes).toMatchObject({ items: '20', errors: '20' });
    for (const item of messages[0]!.body.items) {
      expect(item.error.type).toBe('upstream');
      expect(item.error.message).toMatch(new RegExp(`^Gave up after ${MAX_ATTEMPTS} deliveries: .*503`));
    }
  });

  it('lets the dead-letter policy take a message the function cannot answer at all (the emulator applies it)', async () => {
    let deliveries = 0;
    const publisher = createPubSubPublisher(fx.topicPath('no-such-topic'));
    const failing: typeof publisher = { publish: (m) => (deliveries++, publisher.publish(m)), publishMany: (ms) => publisher.publishMany(ms), close: () => publisher.close() };
    const { topic, dlqCollector, recorder } = await jobsTopic('dead', {
      deadLetter: { maxDeliveryAttempts: 5 },
      variant: { ...server.gateway, batch: { ...server.gateway.batch, publisher: failing } },
    });
    const messageId = await fx.publishJob(topic, job('dead-1', ['结果发不出去']));
    await dlqCollector!.until(() => dlqCollector!.messages.length > 0, 90_000, 'the dead-lettered job');
    // Dead-lettered after its 5th failed delivery; none was acked.
    await recorder.until(() => recorder.of(messageId).length >= 5, 30_000, 'the 5th delivery');
    expect(recorder.of(messageId).map(isAck)).toEqual([false, false, false, false, false]);
    await dlqCollector!.drain();
    await results.drain();

    const [dead] = dlqCollector!.messages;
    expect(dead!.body.job_id).toBe('dead-1');
    expect(dead!.attributes.CloudPubSubDeadLetterSourceDeliveryCount).toBe('5');
    expect(dlqCollector!.messages).toHaveLength(1);
    // Deliveries 1-2 publish once and fail; 3 (= BATCH_MAX_ATTEMPTS) fails, then its give-up
    // publish fails too; 4-5 only try the give-up. Then Pub/Sub's policy, not the function, ends it.
    expect(deliveries).toBe(6);
    expect(results.forJob('dead-1')).toHaveLength(0);
    await publisher.close();
  });
});
