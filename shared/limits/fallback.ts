// Shared limits that never fail a request: while Redis errors or does not answer within the
// timeout, this instance decides alone (each instance then allows the full limit), logs that at
// most once per interval, and leaves Redis alone for a moment before trying it again.
import { log, logThrottled } from '../log.js';
import type { Admission, CallerBuckets, Limiter } from './types.js';

export interface FallbackLimiterOptions {
  timeoutMs: number;
  /** The first admission also loads the client and connects: it may wait this long instead. */
  connectTimeoutMs?: number;
  /** After a failure, how long admissions skip Redis. */
  retryAfterMs?: number;
  /** At most one warning per this interval. */
  logIntervalMs?: number;
  now?: () => number;
}

export function createFallbackLimiter(shared: Limiter, local: Limiter, options: FallbackLimiterOptions): Limiter {
  const retryAfterMs = options.retryAfterMs ?? 5_000;
  const logIntervalMs = options.logIntervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  let downUntil = 0;
  let connected = false;

  function withTimeout<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const ms = connected ? options.timeoutMs : options.connectTimeoutMs ?? 2_000;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  return {
    async admit(caller: string, buckets: CallerBuckets): Promise<Admission> {
      if (now() >= downUntil) {
        try {
          const admission = await withTimeout(shared.admit(caller, buckets));
          connected = true;
          return admission;
        } catch (error) {
          downUntil = now() + retryAfterMs;
          connected = false;
          logThrottled('limits:shared-store', logIntervalMs, () => log.warn('rate limits: shared store unreachable, limiting per instance', {
            error: error instanceof Error ? error.message : String(error),
            retry_in_ms: retryAfterMs,
          }));
        }
      }
      return local.admit(caller, buckets);
    },
    debit(caller, buckets, tokens) {
      // While Redis is away the tokens count here, where the admissions are decided meanwhile.
      if (now() < downUntil) local.debit(caller, buckets, tokens);
      else shared.debit(caller, buckets, tokens);
    },
    async close() {
      await Promise.allSettled([shared.close(), local.close()]);
    },
  };
}
