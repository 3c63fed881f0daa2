// Builds the cache the configuration asks for. Store clients are imported on first use only.
import type { Config } from '../config.js';
import { createFirestoreStore } from './firestore.js';
import { createL1 } from './l1.js';
import { createRedisStore } from './redis.js';
import type { L2Store } from './store.js';
import { createTieredCache, type EmbeddingCache } from './tiered.js';

export type { EmbeddingCache } from './tiered.js';
export type { CachedVector } from './codec.js';
export { cacheKey, type KeyParts } from './key.js';

export function storeFromConfig(config: Config): L2Store | null {
  const { cache } = config;
  if (cache.store === 'redis') return createRedisStore({ url: cache.redisUrl, ttlSeconds: cache.ttlSeconds });
  if (cache.store === 'firestore') {
    return createFirestoreStore({
      collection: cache.firestoreCollection,
      databaseId: cache.firestoreDatabase,
      ttlSeconds: cache.ttlSeconds,
      ...(config.vertex.project ? { projectId: config.vertex.project } : {}),
    });
  }
  return null;
}

export function cacheFromConfig(config: Config): EmbeddingCache {
  return createTieredCache({ l1: createL1(config.cache.l1Bytes), l2: storeFromConfig(config), timeoutMs: config.cache.timeoutMs });
}
