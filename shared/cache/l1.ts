// The in-process cache: an LRU bounded by bytes, so a big model's vectors cannot outgrow memory.
import { LRUCache } from 'lru-cache';
import type { CachedVector } from './codec.js';

export interface L1Cache {
  get(key: string): CachedVector | undefined;
  set(key: string, value: CachedVector): void;
  stats(): { entries: number; bytes: number; maxBytes: number };
}

// Object, map entry and key string overhead beyond the float bytes, roughly.
const ENTRY_OVERHEAD = 200;

export function createL1(maxBytes: number): L1Cache {
  if (maxBytes <= 0) return { get: () => undefined, set: () => {}, stats: () => ({ entries: 0, bytes: 0, maxBytes: 0 }) };
  const lru = new LRUCache<string, CachedVector>({
    maxSize: maxBytes,
    sizeCalculation: (value, key) => value.values.byteLength + key.length * 2 + ENTRY_OVERHEAD,
  });
  return {
    get: (key) => lru.get(key),
    set: (key, value) => {
      lru.set(key, value);
    },
    stats: () => ({ entries: lru.size, bytes: lru.calculatedSize, maxBytes }),
  };
}
