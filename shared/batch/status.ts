// A job's progress as GET /jobs/{job_id} and `npm run batch -- status` report it, computed from
// the completion store's record: nothing beyond what exactly-once already writes.
import { UNREAD_SHARD, type JobRecord } from './store.js';

export type JobState = 'running' | 'done' | 'failed';

export interface JobStatus {
  job_id: string;
  /**
   * running: shards still unpublished; done: every shard published; failed: every shard published
   * but the job gave up after BATCH_MAX_ATTEMPTS, or part of its gs:// input could not be read.
   */
  state: JobState;
  /** unread: shards published as one shard-level error, their input unreadable (items unknown). */
  shards: { total: number | null; done: number; unread: number };
  /** embedded: items with vectors in published shards; failed: items published as errors. */
  items: { total: number | null; embedded: number; failed: number };
  deliveries: number;
  first_update: string | null;
  last_update: string | null;
}

export function jobStatus(record: JobRecord): JobStatus {
  let published = 0;
  let failed = 0;
  let unread = 0;
  for (const shard of record.done.values()) {
    if (shard.failed === UNREAD_SHARD) {
      unread += 1;
      continue;
    }
    published += shard.items;
    failed += shard.failed;
  }
  const total = record.totals?.shards ?? null;
  const finished = total !== null && record.done.size >= total;
  return {
    job_id: record.jobId,
    state: (record.gaveUp || unread > 0) && finished ? 'failed' : finished ? 'done' : 'running',
    shards: { total, done: record.done.size, unread },
    // A gs:// job learns its item count only once every shard has been read (never, if one was not).
    items: { total: record.totals?.items ?? (finished && unread === 0 ? published : null), embedded: published - failed, failed },
    deliveries: record.attempts,
    first_update: record.createdAt?.toISOString() ?? null,
    last_update: record.updatedAt?.toISOString() ?? null,
  };
}
