import { Firestore, Timestamp, WriteBatch } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeVector, encodeVector } from '../../shared/cache/codec.js';
import { createFirestoreStore } from '../../shared/cache/firestore.js';
import { parseEmbedRequest } from '../../shared/wire/native.js';
import { embedRequest } from '../../shared/embedding/service.js';
import { testGateway } from '../helpers/gateway.js';
import { randomId, startProxy, type Proxy } from './helpers.js';
import { expectSharedThenDegraded } from './outage.js';

const projectId = process.env.TEST_GCP_PROJECT!;
const vector = (seed: number) => ({ values: Float32Array.from({ length: 8 }, (_, i) => seed + i / 10), tokens: seed, truncated: seed % 2 === 0 });

describe('firestore store (the emulator)', () => {
  let clock = Date.now();
  const collection = `cache-${randomId()}`;
  const store = createFirestoreStore({ collection, databaseId: '(default)', ttlSeconds: 60, projectId, now: () => clock });
  afterAll(() => store.close());

  it('round-trips a batch in one getAll and one batch commit, with misses in place', async () => {
    const getAll = vi.spyOn(Firestore.prototype, 'getAll');
    const commit = vi.spyOn(WriteBatch.prototype, 'commit');
    await store.setMany(Array.from({ length: 30 }, (_, i) => ({ key: `key-${i}`, value: encodeVector(vector(i)) })));
    const got = await store.getMany(['key-3', 'absent', 'key-29', 'key-0']);
    expect(getAll).toHaveBeenCalledTimes(1);
    expect(commit).toHaveBeenCalledTimes(1);
    expect(decodeVector(got[0]!)).toEqual(vector(3));
    expect(got[1]).toBeUndefined();
    expect(decodeVector(got[2]!)).toEqual(vector(29));
    expect(decodeVector(got[3]!)).toEqual(vector(0));
    getAll.mockRestore();
    commit.mockRestore();
  });

  it('writes an expiresAt a Firestore TTL policy can use, and honours it on read', async () => {
    await store.setMany([{ key: 'expiring', value: encodeVector(vector(5)) }]);
    const db = new Firestore({ projectId });
    const doc = await db.collection(collection).doc('expiring').get();
    expect(doc.get('expiresAt')).toBeInstanceOf(Timestamp);
    expect((doc.get('expiresAt') as Timestamp).toMillis()).toBe(clock + 60_000);
    await db.terminate();
    clock += 59_000;
    expect((await store.getMany(['expiring']))[0]).toBeDefined();
    clock += 2_000;
    expect((await store.getMany(['expiring']))[0]).toBeUndefined();
  });
});

describe('the gateway on a Firestore cache that goes away mid-test', () => {
  let proxy: Proxy;
  beforeAll(async () => {
    // The store reaches the shared emulator through a private proxy; closing the proxy is the outage.
    proxy = await startProxy(process.env.FIRESTORE_EMULATOR_HOST!);
    process.env.FIRESTORE_EMULATOR_HOST = proxy.address;
    process.env.GCLOUD_PROJECT = projectId;
  });
  afterAll(() => proxy.close());

  it('answers from L2 on another instance, then correctly without L2', async () => {
    const env = { CACHE_STORE: 'firestore', FIRESTORE_COLLECTION: `cache-${randomId()}`, CACHE_TIMEOUT_MS: '1500' };
    const { close } = await expectSharedThenDegraded(env, ['共享缓存', 'shared across instances'], '断开以后', () => proxy.close());
    await close();
  });
});
