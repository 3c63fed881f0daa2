// The completion store the configuration asks for: in memory for one process (the embedded
// default); Firestore or Redis when redeliveries may land on another instance.
import type { Config } from '../config.js';
import { createFirestoreCompletionStore } from './firestore-store.js';
import { createMemoryStore } from './memory-store.js';
import { createRedisCompletionStore } from './redis-store.js';
import type { CompletionStore } from './store.js';
import { projectOfTopic } from './topic-name.js';

// Pub/Sub keeps an unacked message at most 31 days; a record outliving that is never needed.
const RECORD_TTL_SECONDS = 32 * 24 * 3600;

export function createCompletionStore(config: Config): CompletionStore {
  if (config.batch.stateStore === 'firestore') {
    return createFirestoreCompletionStore({
      collection: config.batch.stateCollection,
      databaseId: config.cache.firestoreDatabase,
      projectId: config.vertex.project ?? projectOfTopic(config.batch.resultsTopic),
    });
  }
  if (config.batch.stateStore === 'redis') {
    return createRedisCompletionStore({ url: config.cache.redisUrl, ttlSeconds: RECORD_TTL_SECONDS });
  }
  return createMemoryStore();
}
