// Result messages: one per shard, or one per rejected job. Their ids are built from the job id
// and the shard number only, so a republished shard carries the id its first copy had.
import type { GatewayError } from '../errors.js';
import type { FallbackInfo, ProviderName } from '../providers/types.js';
import type { BatchJob } from './batch-job.js';
import type { Shard, ShardPlan } from '../batch/plan.js';

export interface ItemError {
  type: string;
  message: string;
  field?: string;
}

export type ItemResult =
  | { id: string; vectors: Record<string, number[] | string> }
  | { id: string; error: ItemError };

export interface ModelUsed {
  /** What the job asked for ("vertex", "local", ...). */
  selector: string;
  model: string;
  provider: ProviderName;
  fallback: FallbackInfo;
}

export interface ResultMessage {
  data: Buffer;
  attributes: Record<string, string>;
}

export const resultId = (jobId: string, shard: number | string) => `${jobId}#${shard}`;

// Pub/Sub attribute values hold at most 1024 bytes.
const attr = (value: string) => (Buffer.byteLength(value) <= 1024 ? value : Buffer.from(value).subarray(0, 1024).toString('utf8').replace(/\uFFFD+$/, ''));

/**
 * A shard's results. A gs:// job's shard (a byte range) may hold more items than one message
 * takes: it goes out in `part`s, ids "<job_id>#<shard>.<part>", cut from its lines alone.
 */
export function shardMessage(job: BatchJob, plan: { shards: { length: number } }, shard: Pick<Shard, 'index'>, items: ItemResult[], models: ModelUsed[], part?: { index: number; count: number }): ResultMessage {
  const id = resultId(job.jobId, part ? `${shard.index}.${part.index}` : shard.index);
  const errors = items.filter((item) => 'error' in item).length;
  const modelIds = [...new Set(models.map((m) => m.model))];
  const body = {
    job_id: job.jobId,
    result_id: id,
    shard: shard.index,
    shards: plan.shards.length,
    ...(part ? { part: part.index, parts: part.count } : {}),
    models: models.map(({ selector, model, provider, fallback }) => ({ selector, model, provider, fallback })),
    items,
  };
  return {
    data: Buffer.from(JSON.stringify(body)),
    attributes: {
      kind: 'items',
      job_id: job.jobId,
      result_id: id,
      shard: String(shard.index),
      shards: String(plan.shards.length),
      ...(part ? { part: String(part.index), parts: String(part.count) } : {}),
      items: String(items.length),
      errors: String(errors),
      ...(modelIds.length > 0 ? { model: attr(modelIds.join(',')) } : {}),
    },
  };
}

/** A gs:// shard's byte range: the lines that start at offsets start..end-1. */
export interface InputRange {
  start: number;
  end: number;
}

/**
 * A gs:// shard whose byte range could not be read: which items it holds is unknown, so one
 * message names the range and the error instead of items (kind "shard_error"; its result id is
 * the shard's, "<job_id>#<shard>", which no part of a read shard uses).
 */
export function shardErrorMessage(job: BatchJob, shards: number, shard: number, range: InputRange, error: ItemError): ResultMessage {
  const id = resultId(job.jobId, shard);
  const body = { job_id: job.jobId, result_id: id, shard, shards, input_range: range, error, items: [] };
  return {
    data: Buffer.from(JSON.stringify(body)),
    attributes: { kind: 'shard_error', job_id: job.jobId, result_id: id, shard: String(shard), shards: String(shards), items: '0', errors: '1' },
  };
}

/** The whole job was refused (malformed, schema violation, job_id reused): nothing will be embedded. */
export function jobErrorMessage(jobId: string | undefined, messageId: string, error: GatewayError): ResultMessage {
  const key = jobId ?? `message-${messageId}`;
  const id = resultId(key, 'error');
  const body = {
    job_id: jobId ?? null,
    result_id: id,
    source_message_id: messageId,
    error: { type: error.type, message: error.message, ...(error.field ? { field: error.field } : {}) },
    items: [],
  };
  return {
    data: Buffer.from(JSON.stringify(body)),
    attributes: {
      kind: 'job_error',
      ...(jobId ? { job_id: jobId } : {}),
      result_id: id,
      source_message_id: attr(messageId),
      items: '0',
      errors: '1',
    },
  };
}
