// The function's process is killed (SIGKILL) after publishing some shards and before acking;
// Pub/Sub redelivers to a restarted process. The subscriber, keeping the first result per
// (job_id, item id), still sees every item exactly once; with the Firestore store the restarted
// process also skips every shard the dead one had recorded.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../scripts/lib/ports.js';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PubSubFixture, sampleTexts, sleep, uniquePrefix, type Collector } from '../helpers/pubsub.js';

const root = path.resolve(__dirname, '../..');
const SHARD_ITEMS = 100;
const ITEMS = 3000;
const fx = new PubSubFixture(uniquePrefix('b6crash'));
let results: Collector;
const children: ChildProcess[] = [];

beforeAll(async () => {
  results = await fx.collect(await fx.topic('results'));
});

afterAll(async () => {
  for (const child of children) kill(child);
  await fx.cleanup();
});

function kill(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The dev server (real functions-framework) in its own process group, ready once it listens. */
async function startFunction(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT', 'CACHE_STORE', 'K_SERVICE']) delete childEnv[key];
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-server.ts'], {
    cwd: root,
    env: { ...childEnv, PORT: String(port), LOG_LEVEL: 'info', GATEWAY_ENV: 'development', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stderr!.resume();
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out = (out + chunk).slice(-10_000);
      if (out.includes('dev server listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`dev server exited with ${code}`)));
  });
  child.removeAllListeners('exit');
  return child;
}

describe.each(['memory', 'firestore'])('embedBatch killed mid-job (%s completion store)', (store) => {
  it('still delivers every item exactly once to a deduplicating subscriber', async () => {
    const jobId = `crash-${store}-${Date.now().toString(36)}`;
    const port = await freePort();
    const env = {
      RESULTS_TOPIC: fx.topicPath('results'),
      BATCH_SHARD_MAX_ITEMS: String(SHARD_ITEMS),
      BATCH_STATE_STORE: store,
      BATCH_STATE_COLLECTION: `${fx.prefix}-jobs`,
    };
    const jobs = await fx.topic(`jobs-${store}`);
    await fx.push(jobs, `http://127.0.0.1:${port}`);
    const texts = sampleTexts(ITEMS, 20_000);
    const first = await startFunction(port, env);
    await fx.publishJob(jobs, { job_id: jobId, items: texts.map((text, i) => ({ id: `i${i}`, text })) });

    await results.until(() => results.forJob(jobId).length >= 3, 120_000, 'the first shards');
    kill(first);
    await new Promise((r) => first.once('exit', r));
    const beforeCrash = results.forJob(jobId).map((m) => m.attributes.result_id);
    expect(new Set(beforeCrash).size).toBeLessThan(ITEMS / SHARD_ITEMS); // killed mid-job, not after it

    await startFunction(port, env);
    await results.untilItems(jobId, ITEMS, 180_000);
    await sleep(3000); // an unacked delivery would be back by now

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
