// Where a job's completed shards are recorded before its message is acked, so a redelivered
// job publishes only what was not published yet. In memory for one process (the embedded
// default); Firestore or Redis when redeliveries may land on another instance.
import type { Config } from '../config.js';
import { createFirestoreStore } from './firestore-store.js';
import { createMemoryStore } from './memory-store.js';
import { createRedisCompletionStore } from './redis-store.js';

// Pub/Sub keeps an unacked message at most 31 days; a record outliving that is never needed.
const RECORD_TTL_SECONDS = 32 * 24 * 3600;

export interface JobStart {
  /** Deliveries of this job seen so far, this one included. */
  attempts: number;
  /** Shards already published and recorded. */
  done: Set<number>;
  /** The job id was recorded for a job with other content. */
  conflict: boolean;
}

export interface JobKey {
  jobId: string;
  contentHash: string;
  planHash: string;
}

/** What a job is made of, recorded at each delivery so the status can say how far it got. */
export interface JobTotals {
  shards: number;
  /** Null when unknown before reading the input (a gs:// job's lines). */
  items: number | null;
}

export interface CompletionStore {
  readonly kind: string;
  /** Counts a delivery and returns what earlier deliveries finished. A changed plan forgets them. */
  begin(key: JobKey, totals?: JobTotals): Promise<JobStart>;
  /** Records a shard as published; called after the publish succeeded and before the ack. */
  markDone(key: JobKey, shard: number, items: number, failed?: number): Promise<void>;
  /** Records that the job gave up (its unfinished items were published as errors). */
  markGaveUp(key: JobKey): Promise<void>;
  /** The job's record as GET /jobs/{job_id} reports it; undefined for a job never delivered here. */
  read(jobId: string): Promise<JobRecord | undefined>;
}

/** The raw record every store keeps; status.ts turns it into the answer. */
export interface JobRecord {
  jobId: string;
  totals: JobTotals | null;
  attempts: number;
  /** Shard number -> items published in it, and how many of those were errors. */
  done: Map<number, { items: number; failed: number }>;
  gaveUp: boolean;
  createdAt: Date | null;
  updatedAt: Date | null;
}

export function createCompletionStore(config: Config): CompletionStore {
  if (config.batch.stateStore === 'firestore') {
    return createFirestoreStore({
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

/** "projects/P/topics/T" names its project; a short topic name does not. */
export function projectOfTopic(topic: string | null): string | undefined {
  return topic?.match(/^projects\/([^/]+)\/topics\//)?.[1];
}
