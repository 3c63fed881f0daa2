// Leased shared limits on a real redis-server: an instance admits from permits Redis granted in
// bulk, so most requests make no round trip, yet two instances together never admit more than the
// caller's limit; headers still count down one by one; unused permits go back; tokens used up
// send the request to Redis to decide; small limits stay one round trip per request.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLeasedLimiter, leaseSize } from '../../shared/limits/leased.js';
import { createRedisLimiter } from '../../shared/limits/redis.js';
import type { Limiter } from '../../shared/limits/types.js';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6390';
const prefix = `test-lease-${randomBytes(4).toString('hex')}:`;
// Redis's clock and the instances' clock, pinned apart: no refill during a test unless moved.
const redisClock = { now: 1_700_000_000_000 };
const leaseClock = { now: 1_700_000_000_000 };
const open: Limiter[] = [];

/** One instance's leased limiter over a real Redis limiter, counting the admissions sent to Redis. */
function instance(leaseMs = 1000, maxPermits = 100) {
  const redis = createRedisLimiter({ url: redisUrl, prefix, now: () => redisClock.now, flushAfterMs: 20 });
  const counted = { ...redis, calls: 0, refunds: [] as [string, number][] };
  counted.admit = (...args) => (counted.calls++, redis.admit(...args));
  counted.admitMany = (...args) => (counted.calls++, redis.admitMany(...args));
  counted.refund = (caller, buckets, permits) => {
    counted.refunds.push([caller, permits]);
    redis.refund(caller, buckets, permits);
  };
  const leased = createLeasedLimiter(counted, { leaseMs, maxPermits, now: () => leaseClock.now });
  open.push(leased);
  return { redis: counted, leased };
}

let n = 0;
const caller = () => `lease-caller-${++n}`;
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

afterAll(async () => {
  await Promise.all(open.map((l) => l.close()));
});

describe('lease size', () => {
  it('is what the limit refills in the lease time, capped, and 0 (not leased) below 2', () => {
    expect(leaseSize({ rpm: 600 }, { leaseMs: 1000, maxPermits: 100 })).toBe(10);
    expect(leaseSize({ rpm: 600_000 }, { leaseMs: 1000, maxPermits: 100 })).toBe(100);
    expect(leaseSize({ rpm: 60 }, { leaseMs: 1000, maxPermits: 100 })).toBe(0);
    expect(leaseSize({ tpm: 1_000_000 }, { leaseMs: 1000, maxPermits: 100 })).toBe(0);
    expect(leaseSize({ rpm: 600 }, { leaseMs: 0, maxPermits: 100 })).toBe(0);
  });
});

describe('leased limiter', () => {
  it('admits from its lease with a round trip for every few requests, counting down one by one', async () => {
    const { leased, redis } = instance();
    const who = caller();
    const remaining: number[] = [];
    for (let i = 0; i < 30; i++) {
      const a = await leased.admit(who, { rpm: 600 });
      expect(a).toMatchObject({ allowed: true, scope: 'shared' });
      remaining.push(a.requests!.remaining);
      if (i % 5 === 4) await settle(); // let a background refill land now and then
    }
    const calls = redis.calls;
    expect(remaining).toEqual(Array.from({ length: 30 }, (_, i) => 599 - i));
    // A lease of 10, topped up when half is used: about one round trip per 5 requests.
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(8);
  });

  it('two instances together never admit more than the limit, and strand at most a lease', async () => {
    const a = instance(10_000).leased;
    const b = instance(10_000).leased;
    const who = caller();
    const buckets = { rpm: 120 }; // a lease of 20 permits each
    let accepted = 0;
    for (let i = 0; i < 300; i++) {
      const results = await Promise.all([a.admit(who, buckets), b.admit(who, buckets)]);
      accepted += results.filter((r) => r.allowed).length;
      if (i % 10 === 0) await settle();
    }
    expect(accepted).toBeLessThanOrEqual(120);
    expect(accepted).toBeGreaterThanOrEqual(120 - 2 * 20);
    const refused = await a.admit(who, buckets);
    if (!refused.allowed) {
      expect(refused.refusedBy).toBe('requests');
      expect(refused.retryAfterMs).toBeGreaterThan(0);
    }
  });

  it('hands unused permits back when a lease expires', async () => {
    const { leased, redis } = instance(1000);
    const who = caller();
    const buckets = { rpm: 1200 }; // a lease of 20
    expect((await leased.admit(who, buckets)).allowed).toBe(true);
    const exact = createRedisLimiter({ url: redisUrl, prefix, now: () => redisClock.now });
    open.push(exact);
    // While the lease is held, Redis counts all 20 permits as taken.
    expect((await exact.admit(who, buckets)).requests!.remaining).toBe(1200 - 20 - 1);
    leaseClock.now += 2000;
    // The sweep (a few times a lease) hands the 19 unused permits back.
    for (let waited = 0; redis.refunds.length === 0 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(redis.refunds).toEqual([[who, 19]]);
    await redis.flush();
    // Only the leased request and the two exact ones are counted now.
    expect((await exact.admit(who, buckets)).requests!.remaining).toBe(1200 - 3);
  });

  it('sends a caller whose tokens are used up to Redis, which refuses on tokens', async () => {
    const { leased, redis } = instance();
    const who = caller();
    const buckets = { rpm: 600, tpm: 100 };
    const first = await leased.admit(who, buckets);
    expect(first.tokens).toMatchObject({ limit: 100, remaining: 100 });
    leased.debit(who, buckets, 150);
    const before = redis.calls;
    const refused = await leased.admit(who, buckets);
    expect(refused).toMatchObject({ allowed: false, refusedBy: 'tokens' });
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(redis.calls - before).toBe(1);
  });

  it('admits a caller with a small limit one round trip at a time', async () => {
    const { leased, redis } = instance();
    const who = caller();
    const remaining = [];
    for (let i = 0; i < 4; i++) remaining.push((await leased.admit(who, { rpm: 3 })).requests!.remaining);
    expect(redis.calls).toBe(4);
    expect(remaining).toEqual([2, 1, 0, 0]);
  });
});
