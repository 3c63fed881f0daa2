// The tiered cache on stores that fail for real: a Redis URL where nothing listens (refused) and
// a socket that accepts and never answers (a hung store). Callers never see an error, and the
// outage is logged once per interval.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createL1 } from '../../shared/cache/l1.js';
import { createRedisStore } from '../../shared/cache/redis.js';
import { createTieredCache } from '../../shared/cache/tiered.js';
import { cacheKey } from '../../shared/cache/key.js';
import { setLogLevel } from '../../shared/log.js';
import { freePort } from './helpers.js';

const vector = (seed: number) => ({ values: Float32Array.from({ length: 4 }, (_, i) => seed + i), tokens: seed, truncated: false });

let silent: net.Server;
let silentPort: number;
beforeAll(async () => {
  silent = net.createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as net.AddressInfo).port;
});
afterAll(() => { silent.close(); });

function captureLogs() {
  const lines: any[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    return true;
  });
  return { lines, restore: () => spy.mockRestore() };
}

describe('tiered cache', () => {
  it('degrades to L1 when the store refuses or hangs, logging the outage once per interval', async () => {
    setLogLevel('warning');
    const logs = captureLogs();
    try {
      for (const url of [`redis://127.0.0.1:${await freePort()}`, `redis://127.0.0.1:${silentPort}`]) {
        let clock = 1_000_000;
        const store = createRedisStore({ url, ttlSeconds: 60 });
        const cache = createTieredCache({ l1: createL1(1 << 20), l2: store, timeoutMs: 200, retryAfterMs: 1000, logIntervalMs: 60_000, now: () => clock });
        expect(await cache.getMany(['a', 'b'])).toEqual([undefined, undefined]);
        await cache.setMany([{ key: 'a', value: vector(1) }]);
        expect(await cache.getMany(['a', 'b'])).toEqual([vector(1), undefined]);
        clock += 2000; // past retryAfterMs: L2 is tried (and fails) again
        expect(await cache.getMany(['a', 'c'])).toEqual([vector(1), undefined]);
        expect(await cache.health()).toMatchObject({ store: 'redis', reachable: false });
        await cache.close();
      }
    } finally {
      logs.restore();
      setLogLevel('error');
    }
    const outages = logs.lines.filter((l) => l.message.startsWith('cache store unavailable'));
    expect(outages).toHaveLength(1);
    expect(outages[0]).toMatchObject({ severity: 'WARNING', store: 'redis', operation: 'get' });
  });

  it('evicts by bytes', () => {
    const l1 = createL1(3 * (16 + 2 + 200));
    for (const key of ['a', 'b', 'c', 'd']) l1.set(key, vector(1));
    expect(l1.get('a')).toBeUndefined();
    expect(l1.get('d')).toEqual(vector(1));
    expect(l1.stats().bytes).toBeLessThanOrEqual(l1.stats().maxBytes);
  });

  it('keys differ in every component and do not collide across field boundaries', () => {
    const base = { model: 'm@1', task: 'RETRIEVAL_DOCUMENT', dimensions: 0, truncation: 'truncate' as const, normalized: true, text: 'hello' };
    const keys = new Set([
      cacheKey(base),
      cacheKey({ ...base, model: 'm@2' }),
      cacheKey({ ...base, task: 'RETRIEVAL_QUERY' }),
      cacheKey({ ...base, dimensions: 256 }),
      cacheKey({ ...base, truncation: 'strict' }),
      cacheKey({ ...base, normalized: false }),
      cacheKey({ ...base, text: 'hello ' }),
      cacheKey({ ...base, title: '' }),
      cacheKey({ ...base, model: 'm@1RETRIEVAL_DOCUMENT', task: '' }),
    ]);
    expect(keys.size).toBe(9);
    expect(cacheKey(base)).toMatch(/^[0-9a-f]{64}$/);
  });
});
