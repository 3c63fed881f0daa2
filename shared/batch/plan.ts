// Splits a job into result shards. The split depends only on the job and the shard limits, never
// on timing or on what failed, so a redelivery rebuilds the very same shards and shard k of a
// job always carries the same items under the same result id.
import { createHash } from 'node:crypto';
import type { BatchItem, BatchJob } from '../wire/batch-job.js';

export interface Shard {
  index: number;
  /** Items [start, end) of the job. */
  start: number;
  end: number;
}

export interface ShardPlan {
  shards: Shard[];
  /** Hash of the job's content: the same job_id with other content is another job. */
  contentHash: string;
  /** Hash of the boundaries: recorded shard numbers only mean something under the same plan. */
  planHash: string;
}

export interface ShardLimits {
  maxItems: number;
  maxBytes: number;
  /** Output size of each requested model, for the byte bound. */
  dimensions: number[];
}

// Longest JSON a float32-as-double takes, "-1.2345678901234567e-10" plus a comma, rounded up.
const FLOAT_JSON_BYTES = 26;
const BASE64_BYTES_PER_FLOAT = 4 * 4 / 3;
const MODEL_KEY_BYTES = 256;
// Room for an item's error object instead of its vectors (messages are short, fields named).
const ERROR_BYTES = 2048;
// job_id, shard numbers, model list and braces around the items.
export const ENVELOPE_BYTES = 4096;

/** An upper bound on an item's bytes in a result message, whatever the outcome. */
export function itemBytesBound(item: BatchItem, encoding: BatchJob['encoding'], dimensions: number[]): number {
  const perFloat = encoding === 'base64' ? BASE64_BYTES_PER_FLOAT : FLOAT_JSON_BYTES;
  const vectors = dimensions.reduce((sum, dims) => sum + MODEL_KEY_BYTES + Math.ceil(dims * perFloat) + 8, 0);
  return Buffer.byteLength(JSON.stringify(item.id)) + 32 + Math.max(vectors, ERROR_BYTES);
}

export function planShards(job: BatchJob, limits: ShardLimits): ShardPlan {
  const shards: Shard[] = [];
  let start = 0;
  let bytes = ENVELOPE_BYTES;
  job.items.forEach((item, i) => {
    const size = itemBytesBound(item, job.encoding, limits.dimensions);
    const count = i - start;
    if (count > 0 && (count >= limits.maxItems || bytes + size > limits.maxBytes)) {
      shards.push({ index: shards.length, start, end: i });
      start = i;
      bytes = ENVELOPE_BYTES;
    }
    bytes += size;
  });
  shards.push({ index: shards.length, start, end: job.items.length });
  return { shards, contentHash: contentHash(job), planHash: sha256(JSON.stringify(shards.map((s) => s.start))) };
}

function contentHash(job: BatchJob): string {
  return sha256(JSON.stringify([
    job.items.map((item) => [item.id, item.text, item.title ?? null]),
    job.task, job.models, job.fallback, job.truncate, job.dimensions ?? null, job.encoding, job.output, job.outputPrefix ?? null,
  ]));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
