// Per-instance limits: the GCRA state in a Map. Used when no shared store is configured, and as
// the stand-in while Redis is unreachable (then each instance allows the full limit).
import { fits, intervalMs, view, waitMs, type Bucket } from './gcra.js';
import type { Admission, CallerBuckets, Limiter } from './types.js';

export interface MemoryLimiterOptions {
  now?: () => number;
  /** Buckets kept at most; full buckets are dropped first (they hold no information). */
  maxKeys?: number;
}

export function createMemoryLimiter(options: MemoryLimiterOptions = {}): Limiter {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const tats = new Map<string, number>();

  const debtOf = (key: string, at: number) => Math.max(0, (tats.get(key) ?? at) - at);

  function prune(at: number): void {
    if (tats.size < maxKeys) return;
    for (const [key, tat] of tats) if (tat <= at) tats.delete(key);
    // Still full of live buckets: drop the oldest entries rather than grow without bound.
    for (const key of tats.keys()) {
      if (tats.size < maxKeys) break;
      tats.delete(key);
    }
  }

  return {
    async admit(caller, buckets: CallerBuckets): Promise<Admission> {
      const at = now();
      const req: Bucket | undefined = buckets.rpm ? { limit: buckets.rpm } : undefined;
      const tok: Bucket | undefined = buckets.tpm ? { limit: buckets.tpm } : undefined;
      const reqDebt = debtOf(`${caller}\0r`, at);
      const tokDebt = debtOf(`${caller}\0t`, at);
      const reqAfter = req ? reqDebt + intervalMs(req) : 0;
      const reqFits = !req || fits(req, reqDebt);
      const tokFits = !tok || fits(tok, tokDebt);
      const allowed = reqFits && tokFits;
      if (allowed && req) {
        prune(at);
        tats.set(`${caller}\0r`, at + reqAfter);
      }
      return {
        allowed,
        ...(allowed ? {} : {
          refusedBy: !reqFits ? 'requests' as const : 'tokens' as const,
          retryAfterMs: !reqFits ? waitMs(req!, reqDebt) : waitMs(tok!, tokDebt),
        }),
        ...(req ? { requests: view(req, allowed ? reqAfter : reqDebt) } : {}),
        ...(tok ? { tokens: view(tok, tokDebt) } : {}),
        scope: 'instance',
      };
    },
    debit(caller, buckets, tokens) {
      if (!buckets.tpm || tokens <= 0) return;
      const at = now();
      const key = `${caller}\0t`;
      prune(at);
      tats.set(key, Math.max(tats.get(key) ?? at, at) + tokens * intervalMs({ limit: buckets.tpm }));
    },
    async close() {
      tats.clear();
    },
  };
}
