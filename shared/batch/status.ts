// A job's progress as GET /jobs/{job_id} and `npm run batch -- status` report it, computed from
// the completion store's record: nothing beyond what exactly-once already writes.
import type { JobRecord } from './store.js';

export type JobState = 'running' | 'done' | 'failed';

export interface JobStatus {
  job_id: string;
  /** running: shards still unpublished; done: every shard published; failed: gave up after BATCH_MAX_ATTEMPTS. */
  state: JobState;
  shards: { total: number | null; done: number };
  /** embedded: items with vectors in published shards; failed: items published as errors. */
  items: { total: number | null; embedded: number; failed: number };
  deliveries: number;
  first_update: string | null;
  last_update: string | null;
}

export function jobStatus(record: JobRecord): JobStatus {
  let published = 0;
  let failed = 0;
  for (const shard of record.done.values()) {
    published += shard.items;
    failed += shard.failed;
  }
  const total = record.totals?.shards ?? null;
  const finished = total !== null && record.done.size >= total;
  return {
    job_id: record.jobId,
    state: record.gaveUp && finished ? 'failed' : finished ? 'done' : 'running',
    shards: { total, done: record.done.size },
    // A gs:// job learns its item count only once every shard has been read.
    items: { total: record.totals?.items ?? (finished ? published : null), embedded: published - failed, failed },
    deliveries: record.attempts,
    first_update: record.createdAt?.toISOString() ?? null,
    last_update: record.updatedAt?.toISOString() ?? null,
  };
}
