import { afterAll, describe, expect, it } from 'vitest';
import { createFirestoreCompletionStore } from '../../shared/batch/firestore-store.js';
import { createMemoryStore } from '../../shared/batch/memory-store.js';
import { createRedisCompletionStore } from '../../shared/batch/redis-store.js';
import type { CompletionStore } from '../../shared/batch/store.js';
import { uniquePrefix } from '../helpers/pubsub.js';

const firestore = createFirestoreCompletionStore({ collection: uniquePrefix('b6-jobs'), databaseId: '(default)', projectId: process.env.TEST_GCP_PROJECT ?? 'test-proj' });
const redis = createRedisCompletionStore({ url: process.env.TEST_REDIS_URL!, prefix: `${uniquePrefix('b6')}:`, ttlSeconds: 60 });
afterAll(() => Promise.all([firestore.close(), redis.close()]));

const stores: [string, CompletionStore][] = [['memory', createMemoryStore()], ['firestore (emulator)', firestore], ['redis (redis-server)', redis]];

// Each test starts from its own job id, so any one runs alone or in any order.
describe.each(stores)('%s completion store', (_name, store) => {
  const newKey = () => ({ jobId: uniquePrefix('job'), contentHash: 'c1', planHash: 'p1' });
  /** A job delivered twice, shards 0 and 2 published in between. */
  async function deliveredTwice() {
    const key = newKey();
    await store.begin(key);
    await store.markDone(key, 0, 300);
    await store.markDone(key, 2, 300);
    await store.begin(key);
    return key;
  }

  it('counts deliveries and remembers published shards across them', async () => {
    const key = newKey();
    expect(await store.begin(key)).toEqual({ attempts: 1, done: new Set(), conflict: false });
    await store.markDone(key, 0, 300);
    await store.markDone(key, 2, 300);
    expect(await store.begin(key)).toEqual({ attempts: 2, done: new Set([0, 2]), conflict: false });
  });

  it('forgets shard numbers when the shard plan changed (they name other items now)', async () => {
    const replanned = { ...(await deliveredTwice()), planHash: 'p2' };
    expect(await store.begin(replanned)).toEqual({ attempts: 3, done: new Set(), conflict: false });
    await store.markDone(replanned, 1, 10);
    expect((await store.begin(replanned)).done).toEqual(new Set([1]));
  });

  it('reports a job id reused for other content, without touching its record', async () => {
    const key = await deliveredTwice();
    expect((await store.begin({ ...key, contentHash: 'c2' })).conflict).toBe(true);
    expect(await store.begin(key)).toEqual({ attempts: 3, done: new Set([0, 2]), conflict: false });
  });
});

describe.each(stores)('%s completion store: the record GET /jobs/{job_id} reads', (_name, store) => {
  it('reads totals, shards with their failures, deliveries and times; nothing for an unknown job', async () => {
    const { jobStatus } = await import('../../shared/batch/status.js');
    const key = { jobId: `status-${Math.random().toString(36).slice(2)}`, contentHash: 'c', planHash: 'p' };
    expect(await store.read(key.jobId)).toBeUndefined();
    await store.begin(key, { shards: 3, items: 250 });
    await store.markDone(key, 0, 100, 2);
    const running = jobStatus((await store.read(key.jobId))!);
    expect(running).toMatchObject({ job_id: key.jobId, state: 'running', shards: { total: 3, done: 1 }, items: { total: 250, embedded: 98, failed: 2 }, deliveries: 1 });
    await store.begin(key, { shards: 3, items: 250 });
    await store.markDone(key, 1, 100, 0);
    await store.markGaveUp(key);
    await store.markDone(key, 2, 50, 50);
    const failed = jobStatus((await store.read(key.jobId))!);
    expect(failed).toMatchObject({ state: 'failed', shards: { total: 3, done: 3 }, items: { total: 250, embedded: 198, failed: 52 }, deliveries: 2 });
    expect(Date.parse(failed.first_update!)).toBe(Date.parse(running.first_update!));
    expect(Date.parse(failed.last_update!)).toBeGreaterThanOrEqual(Date.parse(running.last_update!));
  });

  it('keeps a shard whose input could not be read apart: the job failed, its item count unknown', async () => {
    const { jobStatus } = await import('../../shared/batch/status.js');
    const { UNREAD_SHARD } = await import('../../shared/batch/store.js');
    const key = { jobId: `unread-${Math.random().toString(36).slice(2)}`, contentHash: 'c', planHash: 'p' };
    await store.begin(key, { shards: 3, items: null });
    await store.markDone(key, 0, 40, 1);
    await store.markDone(key, 1, 0, UNREAD_SHARD);
    expect(jobStatus((await store.read(key.jobId))!)).toMatchObject({ state: 'running', shards: { total: 3, done: 2, unread: 1 } });
    await store.markDone(key, 2, 35, 0);
    expect(jobStatus((await store.read(key.jobId))!)).toMatchObject({
      state: 'failed', shards: { total: 3, done: 3, unread: 1 }, items: { total: null, embedded: 74, failed: 1 },
    });
  });
});

describe('BATCH_STATE_STORE', () => {
  it('follows the shared store when unset, and refuses an unknown store by name', async () => {
    const { loadConfig } = await import('../../shared/config.js');
    const { createCompletionStore } = await import('../../shared/batch/completion-store.js');
    expect(loadConfig({}).batch.stateStore).toBe('memory');
    expect(loadConfig({ CACHE_STORE: 'firestore' }).batch.stateStore).toBe('firestore');
    expect(loadConfig({ CACHE_STORE: 'redis' }).batch.stateStore).toBe('redis');
    expect(loadConfig({ CACHE_STORE: 'none' }).batch.stateStore).toBe('memory');
    expect(loadConfig({ CACHE_STORE: 'firestore', BATCH_STATE_STORE: 'memory' }).batch.stateStore).toBe('memory');
    expect(createCompletionStore(loadConfig({ BATCH_STATE_STORE: 'firestore', RESULTS_TOPIC: 'projects/p/topics/t' })).kind).toBe('firestore');
    expect(createCompletionStore(loadConfig({ BATCH_STATE_STORE: 'redis' })).kind).toBe('redis');
    expect(() => loadConfig({ BATCH_STATE_STORE: 'postgres' })).toThrow(/BATCH_STATE_STORE: must be one of memory, firestore, redis/);
  });
});
