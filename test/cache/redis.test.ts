import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeVector, decodeVector } from '../../shared/cache/codec.js';
import { createRedisStore } from '../../shared/cache/redis.js';
import { embedRequest } from '../../shared/embedding/service.js';
import { parseEmbedRequest } from '../../shared/wire/native.js';
import { testGateway } from '../helpers/gateway.js';
import { randomId, startPrivateRedis, type PrivateRedis } from './helpers.js';
import { expectSharedThenDegraded } from './outage.js';

const vector = (seed: number) => ({ values: Float32Array.from({ length: 8 }, (_, i) => seed + i / 10), tokens: seed, truncated: false });

describe('redis store (the shared redis-server)', () => {
  const prefix = `test-${randomId()}:`;
  const store = createRedisStore({ url: process.env.TEST_REDIS_URL!, ttlSeconds: 1, prefix });
  afterAll(() => store.close());

  it('round-trips a batch, with misses in place', async () => {
    await store.setMany([{ key: 'a', value: encodeVector(vector(1)) }, { key: 'b', value: encodeVector(vector(2)) }]);
    const [a, missing, b] = await store.getMany(['a', 'nope', 'b']);
    expect(missing).toBeUndefined();
    expect(decodeVector(a!)).toEqual(vector(1));
    expect(decodeVector(b!)).toEqual(vector(2));
  });

  it('honours the TTL', async () => {
    await store.setMany([{ key: 'short', value: encodeVector(vector(3)) }]);
    expect((await store.getMany(['short']))[0]).toBeDefined();
    // Redis expires the key itself; what the store owns is setting the expiry (not waiting it out).
    const admin = createClient({ url: process.env.TEST_REDIS_URL! });
    await admin.connect();
    try {
      const ttl = await admin.pTTL(`${prefix}short`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(1000);
    } finally {
      await admin.quit();
    }
  });
});

describe('redis store (a private redis-server)', () => {
  let redis: PrivateRedis;
  beforeAll(async () => { redis = await startPrivateRedis(); });
  afterAll(() => redis.stop());

  it('sends one MGET for a batch of gets and one MULTI for a batch of sets', async () => {
    const store = createRedisStore({ url: redis.url, ttlSeconds: 60 });
    const admin = createClient({ url: redis.url });
    await admin.connect();
    await admin.configResetStat();
    await store.setMany(Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: encodeVector(vector(i)) })));
    const got = await store.getMany(Array.from({ length: 20 }, (_, i) => `k${i}`));
    expect(got.map((bytes) => decodeVector(bytes!)!.tokens)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const stats = await admin.info('commandstats');
    const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    expect(calls('mget')).toBe(1);
    expect(calls('multi')).toBe(1);
    expect(calls('exec')).toBe(1);
    expect(calls('set')).toBe(20);
    expect(calls('get')).toBe(0);
    await admin.quit();
    await store.close();
  });

  it('lets the gateway answer correctly, from L2 then without it, when redis stops mid-test', async () => {
    const env = { CACHE_STORE: 'redis', REDIS_URL: redis.url, CACHE_TIMEOUT_MS: '300' };
    const { third, close } = await expectSharedThenDegraded(env, ['缓存里的向量', 'a vector from the shared cache'], '新的文本', () => redis.stop());
    // Served again from L1 on that instance while Redis is still away.
    const again = await embedRequest(third, parseEmbedRequest({ inputs: ['新的文本'] }, third.config));
    expect(again.items[0]!.cached).toBe(true);
    await Promise.all([close(), third.cache.close()]);
  });
});
