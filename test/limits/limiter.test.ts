// The same GCRA behaviour from the in-process limiter and from Redis's script (real
// redis-server), on a pinned clock: counts, refusals, retry times, token debits.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryLimiter } from '../../shared/limits/memory.js';
import { createRedisLimiter, type RedisLimiter } from '../../shared/limits/redis.js';
import { rateLimitHeaders, formatDuration } from '../../shared/limits/headers.js';
import type { Limiter } from '../../shared/limits/types.js';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6390';
const prefix = `test-rl-${randomBytes(4).toString('hex')}:`;
const clock = { now: 1_700_000_000_000 };
const now = () => clock.now;

const redis = createRedisLimiter({ url: redisUrl, prefix, now, flushAfterMs: 60_000 });
afterAll(async () => {
  await redis.close();
});

const limiters: [string, Limiter, () => Promise<void>][] = [
  ['memory', createMemoryLimiter({ now }), async () => {}],
  ['redis (one script per admission)', redis, () => (redis as RedisLimiter).flush()],
];

let n = 0;
const caller = () => `caller-${++n}`;

describe.each(limiters)('%s limiter', (_name, limiter, flush) => {
  it('admits a minute of requests at once, then one per interval, counting down', async () => {
    const who = caller();
    const remaining: number[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await limiter.admit(who, { rpm: 5 });
      expect(a.allowed).toBe(true);
      remaining.push(a.requests!.remaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    const refused = await limiter.admit(who, { rpm: 5 });
    expect(refused).toMatchObject({ allowed: false, refusedBy: 'requests', retryAfterMs: 12_000, requests: { limit: 5, remaining: 0, resetMs: 60_000 } });
    clock.now += 11_999;
    expect((await limiter.admit(who, { rpm: 5 })).allowed).toBe(false);
    clock.now += 1;
    expect(await limiter.admit(who, { rpm: 5 })).toMatchObject({ allowed: true, requests: { remaining: 0 } });
  });

  it('refuses on tokens once the debits use the minute up, and says when one fits again', async () => {
    const who = caller();
    const buckets = { rpm: 1000, tpm: 600 };
    expect((await limiter.admit(who, buckets)).tokens).toEqual({ limit: 600, remaining: 600, resetMs: 0 });
    limiter.debit(who, buckets, 450);
    await flush();
    expect((await limiter.admit(who, buckets)).tokens).toMatchObject({ remaining: 150, resetMs: 45_000 });
    limiter.debit(who, buckets, 200); // overdraws: admitted while tokens were left
    await flush();
    const refused = await limiter.admit(who, buckets);
    expect(refused).toMatchObject({ allowed: false, refusedBy: 'tokens', tokens: { remaining: 0 } });
    // 650 tokens of debt at 10 tokens/s: one token fits again after 5.1 s.
    expect(refused.retryAfterMs).toBe(5_100);
    clock.now += 5_100;
    expect((await limiter.admit(who, buckets)).allowed).toBe(true);
  });

  it('keeps callers apart', async () => {
    const a = caller();
    const b = caller();
    expect((await limiter.admit(a, { rpm: 1 })).allowed).toBe(true);
    expect((await limiter.admit(a, { rpm: 1 })).allowed).toBe(false);
    expect((await limiter.admit(b, { rpm: 1 })).allowed).toBe(true);
  });
});

describe('redis limiter', () => {
  it('carries finished requests\' tokens with the next admission of any caller', async () => {
    const a = caller();
    const b = caller();
    redis.debit(a, { tpm: 60 }, 30);
    // b's admission is the one round trip that writes a's tokens.
    await redis.admit(b, { rpm: 10 });
    const other = createRedisLimiter({ url: redisUrl, prefix, now });
    const seen = await other.admit(a, { tpm: 60 });
    await other.close();
    expect(seen.tokens).toMatchObject({ remaining: 30, resetMs: 30_000 });
  });
});

describe('rate-limit headers', () => {
  it('are OpenAI\'s, counting the request\'s own tokens', () => {
    const headers = rateLimitHeaders({
      allowed: true, scope: 'shared',
      requests: { limit: 60, remaining: 59, resetMs: 1000 },
      tokens: { limit: 6000, remaining: 5000, resetMs: 10_000 },
    }, 100);
    expect(headers).toEqual({
      'x-ratelimit-limit-requests': '60', 'x-ratelimit-remaining-requests': '59', 'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-limit-tokens': '6000', 'x-ratelimit-remaining-tokens': '4900', 'x-ratelimit-reset-tokens': '11s',
    });
    expect(rateLimitHeaders({ allowed: false, refusedBy: 'requests', retryAfterMs: 1500, scope: 'instance', requests: { limit: 1, remaining: 0, resetMs: 60_000 } }))
      .toMatchObject({ 'retry-after': '2', 'x-ratelimit-reset-requests': '1m0s' });
    expect([20, 999, 1000, 59_001, 360_000].map(formatDuration)).toEqual(['20ms', '999ms', '1s', '1m0s', '6m0s']);
  });
});
