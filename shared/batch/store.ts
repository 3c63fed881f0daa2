// Where a job's completed shards are recorded before its message is acked, so a redelivered
// job publishes only what was not published yet: the types every implementation shares
// (memory, Firestore, Redis); completion-store.ts picks one from the configuration.

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
  /**
   * Records a shard as published; called after the publish succeeded and before the ack.
   * `failed` is UNREAD_SHARD for a shard whose input could not be read (its items are unknown).
   */
  markDone(key: JobKey, shard: number, items: number, failed?: number): Promise<void>;
  /** Records that the job gave up (its unfinished items were published as errors). */
  markGaveUp(key: JobKey): Promise<void>;
  /** The job's record as GET /jobs/{job_id} reports it; undefined for a job never delivered here. */
  read(jobId: string): Promise<JobRecord | undefined>;
}

/**
 * The failure count of a shard published as one shard-level error because its part of a gs://
 * input could not be read: a number every store already keeps, so no store needs another field.
 */
export const UNREAD_SHARD = -1;

/** The raw record every store keeps; status.ts turns it into the answer. */
export interface JobRecord {
  jobId: string;
  totals: JobTotals | null;
  attempts: number;
  /** Shard number -> items published in it, and how many of those were errors (or UNREAD_SHARD). */
  done: Map<number, { items: number; failed: number }>;
  gaveUp: boolean;
  createdAt: Date | null;
  updatedAt: Date | null;
}
