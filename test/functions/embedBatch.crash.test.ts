// The function's process is killed (SIGKILL) after publishing some shards and before acking;
// Pub/Sub redelivers to a restarted process. The subscriber, keeping the first result per
// (job_id, item id), still sees every item exactly once; with the Firestore store the restarted
// process also skips every shard the dead one had recorded. Deliveries go through a recording
// proxy, so the test awaits the restarted process's ack instead of sleeping.
import { freePort } from '../../scripts/lib/ports.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KillableFunctions } from '../helpers/killable-function.js';
import { PubSubFixture, sampleTexts, uniquePrefix, type Collector } from '../helpers/pubsub.js';
import { isAck, PushRecorder } from '../helpers/push-recorder.js';

const SHARD_ITEMS = 100;
const ITEMS = 3000;
const fx = new PubSubFixture(uniquePrefix('b6crash'));
let results: Collector;
const functions = new KillableFunctions();

beforeAll(async () => {
  results = await fx.collect(await fx.topic('results'));
});

afterAll(async () => {
  functions.killAll();
  await fx.cleanup();
});



describe.each(['memory', 'firestore'])('embedBatch killed mid-job (%s completion store)', (store) => {
  it('still delivers every item exactly once to a deduplicating subscriber', { timeout: 180_000 }, async () => {
    const jobId = `crash-${store}-${Date.now().toString(36)}`;
    const port = await freePort();
    const env = {
      RESULTS_TOPIC: fx.topicPath('results'),
      BATCH_SHARD_MAX_ITEMS: String(SHARD_ITEMS),
      BATCH_STATE_STORE: store,
      BATCH_STATE_COLLECTION: `${fx.prefix}-jobs`,
    };
    const jobs = await fx.topic(`jobs-${store}`);
    const push = await PushRecorder.start(`http://127.0.0.1:${port}`);
    await fx.push(jobs, push.url);
    const texts = sampleTexts(ITEMS, 20_000);
    const first = await functions.start(port, env);
    const messageId = await fx.publishJob(jobs, { job_id: jobId, items: texts.map((text, i) => ({ id: `i${i}`, text })) });

    await results.until(() => results.forJob(jobId).length >= 3, 120_000, 'the first shards');
    functions.kill(first);
    await new Promise((r) => first.once('exit', r));
    const beforeCrash = results.forJob(jobId).map((m) => m.attributes.result_id);
    expect(new Set(beforeCrash).size).toBeLessThan(ITEMS / SHARD_ITEMS); // killed mid-job, not after it

    await functions.start(port, env);
    await results.untilItems(jobId, ITEMS, 180_000);
    // The killed delivery failed; a later one (after zero or more refused while the new process
    // started) was acked, so the job is not delivered again.
    const deliveries = await push.acked(messageId, 60_000);
    await push.close();
    expect(deliveries.map(isAck).slice(-1)).toEqual([true]);
    expect(deliveries.filter(isAck)).toHaveLength(1);
    expect(deliveries[0]!.status).toBe(502);
    await results.drain();

    const messages = results.forJob(jobId);
    const byResultId = new Map<string, string[]>();
    for (const m of messages) {
      const copies = byResultId.get(m.attributes.result_id!) ?? [];
      copies.push(JSON.stringify(m.body));
      byResultId.set(m.attributes.result_id!, copies);
    }
    // A shard published twice is byte-for-byte the same message under the same result id.
    for (const copies of byResultId.values()) expect(new Set(copies).size).toBe(1);
    expect(byResultId.size).toBe(ITEMS / SHARD_ITEMS);

    const firstSeen = new Map<string, unknown>();
    for (const item of results.items(jobId)) if (!firstSeen.has(item.id)) firstSeen.set(item.id, item);
    expect(firstSeen.size).toBe(ITEMS);
    expect([...firstSeen.values()].every((item: any) => item.vectors && !item.error)).toBe(true);

    const republished = messages.length - byResultId.size;
    if (store === 'firestore') {
      // Only a shard published but not yet recorded when the process died goes out again.
      expect(republished).toBeLessThanOrEqual(1);
    } else {
      // The in-memory record died with the process: the shards it had published come again.
      expect(republished).toBeGreaterThanOrEqual(beforeCrash.length);
    }
  });
});
