// Shared limits without a round trip per request: an instance takes a caller's request permits
// from Redis a few at a time (a lease) and admits from them in process, asking for more in the
// background before they run out. Redis grants permits through the same GCRA script, so every
// admitted request still holds a permit Redis gave: across instances a caller never gets more
// than its limit. What a lease costs is the other way round: permits one instance holds are not
// available to another until they are used or handed back when the lease expires.
//
// So a lease is only as large as the caller's limit refills in LIMIT_LEASE_MS (at most
// LIMIT_LEASE_MAX permits); a caller whose limit refills fewer than 2 permits in that time is
// admitted one round trip at a time, exactly as without leases. Tokens are checked against the
// last count Redis sent plus what this instance debited since; when that says the minute's
// tokens are used up, the request goes to Redis to decide.
import { fits, intervalMs, view, type Bucket } from './gcra.js';
import type { Grant, RedisLimiter } from './redis.js';
import type { Admission, CallerBuckets, Limiter } from './types.js';

export interface LeaseOptions {
  /** How long a lease lasts: permits are sized to what the limit refills in this time. */
  leaseMs: number;
  /** Permits per lease at most. */
  maxPermits: number;
  now?: () => number;
}

interface Lease {
  buckets: CallerBuckets;
  permits: number;
  expiresAt: number;
  /** Redis's debts when the permits were granted, and when that was. */
  requestDebtMs: number;
  tokenDebtMs: number;
  at: number;
  /** Tokens this instance debited since. */
  tokensSince: number;
  refilling: boolean;
}

/** Permits a lease of `leaseMs` holds for this caller; below 2 the caller is not leased. */
export function leaseSize(buckets: CallerBuckets, options: Pick<LeaseOptions, 'leaseMs' | 'maxPermits'>): number {
  if (!buckets.rpm || options.leaseMs <= 0) return 0;
  const size = Math.min(options.maxPermits, Math.floor((buckets.rpm * options.leaseMs) / 60_000));
  return size >= 2 ? size : 0;
}

export function createLeasedLimiter(shared: RedisLimiter, options: LeaseOptions): Limiter {
  const now = options.now ?? Date.now;
  const leases = new Map<string, Lease>();
  // Expired leases hand their unused permits back, within a quarter of a lease of expiring; the
  // sweep also keeps the map small.
  const sweep = setInterval(() => returnExpired(now()), Math.min(Math.max(options.leaseMs / 4, 50), 1000));
  sweep.unref();

  function returnExpired(at: number, evenRefilling = false): void {
    for (const [caller, lease] of leases) {
      if (at < lease.expiresAt || (lease.refilling && !evenRefilling)) continue;
      leases.delete(caller);
      if (lease.permits > 0) shared.refund(caller, lease.buckets, lease.permits);
      lease.permits = 0;
    }
  }

  function tokenDebt(lease: Lease, tok: Bucket, at: number): number {
    return Math.max(0, lease.tokenDebtMs - (at - lease.at)) + lease.tokensSince * intervalMs(tok);
  }

  function grant(lease: Lease, admission: Grant, at: number): void {
    lease.permits += admission.granted;
    // A view's reset time is its debt rounded up to the millisecond: close enough to count on from.
    lease.requestDebtMs = admission.requests?.resetMs ?? 0;
    lease.tokenDebtMs = admission.tokens?.resetMs ?? 0;
    lease.at = at;
    lease.tokensSince = 0;
    lease.expiresAt = at + options.leaseMs;
  }

  /** One permit from the lease, and what the caller's buckets look like with it taken. */
  function take(caller: string, lease: Lease, buckets: CallerBuckets, tok: Bucket | undefined, size: number, at: number): Admission {
    lease.permits--;
    if (lease.permits <= size / 2 && !lease.refilling) refill(caller, lease, buckets, size);
    const req: Bucket = { limit: buckets.rpm! };
    // Redis counted the whole lease as used when it granted it: what is left here is not.
    const shared = view(req, lease.requestDebtMs - (at - lease.at));
    return {
      allowed: true,
      requests: { ...shared, remaining: Math.min(req.limit, shared.remaining + lease.permits) },
      ...(tok ? { tokens: view(tok, tokenDebt(lease, tok, at)) } : {}),
      scope: 'shared',
    };
  }

  /** More permits in the background; a failure leaves the lease to run out (then Redis decides). */
  function refill(caller: string, lease: Lease, buckets: CallerBuckets, size: number): void {
    lease.refilling = true;
    shared.admitMany(caller, buckets, size - lease.permits).then((admission) => {
      if (admission.allowed) grant(lease, admission, now());
    }, () => undefined).finally(() => {
      lease.refilling = false;
    });
  }

  return {
    async admit(caller, buckets) {
      const size = leaseSize(buckets, options);
      if (size === 0) return shared.admit(caller, buckets);
      const at = now();
      const lease = leases.get(caller);
      const tok: Bucket | undefined = buckets.tpm ? { limit: buckets.tpm } : undefined;
      if (lease && lease.permits > 0 && at < lease.expiresAt && (!tok || fits(tok, tokenDebt(lease, tok, at)))) {
        return take(caller, lease, buckets, tok, size, at);
      }
      // No usable lease: Redis decides, and grants the next lease with the same round trip.
      const admission = await shared.admitMany(caller, buckets, size - (lease?.permits ?? 0));
      if (!admission.allowed) return admission;
      const fresh = lease ?? { buckets, permits: 0, expiresAt: 0, requestDebtMs: 0, tokenDebtMs: 0, at, tokensSince: 0, refilling: false };
      fresh.buckets = buckets;
      grant(fresh, admission, now());
      leases.set(caller, fresh);
      return take(caller, fresh, buckets, tok, size, now());
    },
    debit(caller, buckets, tokens) {
      const lease = leases.get(caller);
      if (lease) lease.tokensSince += tokens;
      shared.debit(caller, buckets, tokens);
    },
    async close() {
      clearInterval(sweep);
      returnExpired(Infinity, true);
      // Hand the permits back if Redis answers soon; shutting down does not wait on it longer.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([shared.flush().catch(() => undefined), new Promise((resolve) => { timer = setTimeout(resolve, 500); })]);
      clearTimeout(timer);
      await shared.close();
    },
  };
}
