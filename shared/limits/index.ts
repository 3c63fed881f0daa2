// Per-caller limits for every HTTP route: the limiter is built once per gateway from the
// configuration; `admitCaller` runs after authentication and before the body is parsed.
import type { Config } from '../config.js';
import { GatewayError } from '../errors.js';
import { createFallbackLimiter } from './fallback.js';
import { createLeasedLimiter } from './leased.js';
import { createMemoryLimiter } from './memory.js';
import { bucketsOf, checkRoute, policyFor, type CallerPolicies, type CallerPolicy } from './policy.js';
import { createRedisLimiter } from './redis.js';
import type { Admission, CallerBuckets, Limiter } from './types.js';

export { rateLimitHeaders } from './headers.js';
export { checkModel, type CallerPolicy, type ModelChoice } from './policy.js';
export type { Admission, Limiter } from './types.js';

export function limiterFromConfig(settings: Config): Limiter {
  const local = createMemoryLimiter();
  if (settings.rateLimits.store !== 'redis') return local;
  const redis = createRedisLimiter({ url: settings.cache.redisUrl, prefix: 'gw:rl:' });
  const { leaseMs, leaseMax } = settings.rateLimits;
  const shared = leaseMs > 0 ? createLeasedLimiter(redis, { leaseMs, maxPermits: leaseMax }) : redis;
  return createFallbackLimiter(shared, local, { timeoutMs: settings.rateLimits.timeoutMs });
}

export interface CallerGrant {
  policy: CallerPolicy | undefined;
  buckets: CallerBuckets | null;
  admission: Admission | null;
  /** Counts the request's tokens once its work is done. */
  debit(tokens: number): void;
}

export class RateLimitedError extends GatewayError {
  constructor(readonly admission: Admission) {
    const which = admission.refusedBy === 'tokens' ? 'tokens' : 'requests';
    const seconds = Math.max(1, Math.ceil((admission.retryAfterMs ?? 1000) / 1000));
    super('rate_limited', `This caller's ${which} per minute limit is used up; retry in ${seconds} s`, {
      retryAfterSeconds: seconds,
      detail: { limit: which },
    });
  }
}

/**
 * Route permission, then one admission for the caller. A 403 is thrown at once; a caller without
 * rpm/tpm gets its grant at once too (no promise, no store); a limited caller's grant comes from
 * one admission, and the promise rejects with RateLimitedError (429) when it is refused.
 */
export function admitCaller(gate: Limiter, policies: CallerPolicies, route: string, caller: string): CallerGrant | Promise<CallerGrant> {
  const policy = policyFor(policies, caller);
  checkRoute(policy, route);
  const buckets = bucketsOf(policy);
  if (!buckets) return { policy, buckets, admission: null, debit: () => {} };
  return gate.admit(caller, buckets).then((admission) => {
    if (!admission.allowed) throw new RateLimitedError(admission);
    return { policy, buckets, admission, debit: (tokens: number) => gate.debit(caller, buckets, tokens) };
  });
}
