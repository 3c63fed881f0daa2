// L1 in front of the shared L2. The cache is an optimisation, never a dependency: when L2 fails
// or answers late, callers get L1 (and misses) instead of an error, the outage is logged once per
// interval, and L2 is left alone for a short while so every request does not pay the timeout.
import { log, logThrottled } from '../log.js';
import { decodeVector, encodeVector, type CachedVector } from './codec.js';
import type { L1Cache } from './l1.js';
import type { L2Store } from './store.js';

export interface EmbeddingCache {
  /** One vector or undefined per key, in order. Never throws. */
  getMany(keys: string[]): Promise<(CachedVector | undefined)[]>;
  /** Stores in L1 at once and in L2 within the timeout. Never throws. */
  setMany(entries: { key: string; value: CachedVector }[]): Promise<void>;
  health(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface TieredOptions {
  l1: L1Cache;
  l2: L2Store | null;
  timeoutMs: number;
  /** How long L2 is skipped after a failure before it is tried again. */
  retryAfterMs?: number;
  logIntervalMs?: number;
  now?: () => number;
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
  });
  // The losing call may still reject later; that rejection must not go unhandled.
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createTieredCache(options: TieredOptions): EmbeddingCache {
  const { l1, l2, timeoutMs } = options;
  const now = options.now ?? Date.now;
  const retryAfterMs = options.retryAfterMs ?? 5000;
  const logIntervalMs = options.logIntervalMs ?? 60_000;
  let downUntil = 0;
  let failures = 0;

  function l2Usable(): boolean {
    return l2 !== null && now() >= downUntil;
  }

  function degrade(operation: string, error: unknown): void {
    failures++;
    downUntil = now() + retryAfterMs;
    logThrottled(`cache-l2-${l2!.kind}`, logIntervalMs, () => log.warn('cache store unavailable; serving from the in-process cache only', {
      store: l2!.kind,
      operation,
      reason: error instanceof TimeoutError ? 'timeout' : error instanceof Error ? error.message : String(error),
    }));
  }

  return {
    async getMany(keys) {
      const found = keys.map((key) => l1.get(key));
      const missing = keys.map((_, i) => i).filter((i) => found[i] === undefined);
      if (missing.length === 0 || !l2Usable()) return found;
      try {
        const values = await withTimeout(l2!.getMany(missing.map((i) => keys[i]!)), timeoutMs);
        values.forEach((bytes, j) => {
          const vector = bytes && decodeVector(bytes);
          if (!vector) return;
          found[missing[j]!] = vector;
          l1.set(keys[missing[j]!]!, vector);
        });
      } catch (error) {
        degrade('get', error);
      }
      return found;
    },
    async setMany(entries) {
      for (const { key, value } of entries) l1.set(key, value);
      if (entries.length === 0 || !l2Usable()) return;
      try {
        await withTimeout(l2!.setMany(entries.map(({ key, value }) => ({ key, value: encodeVector(value) }))), timeoutMs);
      } catch (error) {
        degrade('set', error);
      }
    },
    async health() {
      const base = { store: l2?.kind ?? 'none', l1: l1.stats(), failures };
      if (!l2) return base;
      try {
        await withTimeout(l2.ping(), timeoutMs);
        return { ...base, reachable: true };
      } catch (error) {
        return { ...base, reachable: false, reason: error instanceof TimeoutError ? 'timeout' : 'error' };
      }
    },
    close: () => l2?.close() ?? Promise.resolve(),
  };
}
