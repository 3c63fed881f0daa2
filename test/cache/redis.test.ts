import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeVector, decodeVector } from '../../shared/cache/codec.js';
import { createRedisStore } from '../../shared/cache/redis.js';
import { embedRequest } from '../../shared/embedding/service.js';
import { parseEmbedRequest } from '../../shared/embedding/request.js';
import { testGateway } from '../helpers/gateway.js';
import { randomId, startPrivateRedis, type PrivateRedis } from './helpers.js';

const vector = (seed: number) => ({ values: Float32Array.from({ length: 8 }, (_, i) => seed + i / 10), tokens: seed, truncated: false });

describe('redis store (the shared redis-server)', () => {
  const store = createRedisStore({ url: process.env.TEST_REDIS_URL!, ttlSeconds: 1, prefix: `test-${randomId()}:` });
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
    await new Promise((r) => setTimeout(r, 2100));
    expect((await store.getMany(['short']))[0]).toBeUndefined();
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
    const body = { inputs: ['缓存里的向量', 'a vector from the shared cache'] };
    const first = testGateway(env);
    const reference = await embedRequest(first, parseEmbedRequest(body));
    expect(reference.usage.cached).toBe(0);

    // Another instance: empty L1, same Redis.
    const second = testGateway(env);
    const spy = vi.spyOn(second.local, 'embed');
    const fromL2 = await embedRequest(second, parseEmbedRequest(body));
    expect(spy).not.toHaveBeenCalled();
    expect(fromL2.usage.cached).toBe(2);
    expect(fromL2.items.map((i) => Array.from(i.values))).toEqual(reference.items.map((i) => Array.from(i.values)));

    await redis.stop();
    const third = testGateway(env);
    const without = await embedRequest(third, parseEmbedRequest({ inputs: [...body.inputs, '新的文本'] }));
    expect(without.items.map((i) => i.cached)).toEqual([false, false, false]);
    expect(without.items.slice(0, 2).map((i) => Array.from(i.values))).toEqual(reference.items.map((i) => Array.from(i.values)));
    // Served again from L1 on that instance while Redis is still away.
    const again = await embedRequest(third, parseEmbedRequest({ inputs: ['新的文本'] }));
    expect(again.items[0]!.cached).toBe(true);
    expect((await third.cache.health()).reachable).toBe(false);
    await Promise.all([first, second, third].map((gw) => gw.cache.close()));
  });
});
