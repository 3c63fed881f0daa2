// The row format (`output: "rows"`): one result message per (item, model), each a row of the
// BigQuery table whose schema is terraform/schemas/batch-rows.json, so a BigQuery subscription
// (use_table_schema) or a Cloud Storage subscription writes them with no code. A test checks
// every row this file makes against that schema.
import type { GatewayError } from '../errors.js';
import type { ShardOutcome } from './embed-shard.js';
import type { BatchJob } from '../wire/batch-job.js';
import type { ItemError, ResultMessage } from '../wire/batch-results.js';

export interface Row {
  job_id: string;
  item_id: string | null;
  model: string | null;
  dimensions: number | null;
  embedding: number[];
  token_count: number | null;
  truncated: boolean | null;
  fallback: string | null;
  error: ItemError | null;
  result_id: string;
  /**
   * Microseconds since the epoch, as a JSON number. Pub/Sub's BigQuery subscription docs ("Use
   * table schema", cloud.google.com/pubsub/docs/bigquery) accept a number for a TIMESTAMP column
   * when it "adheres to the supported representations", the Storage Write API's (which the
   * subscription writes with): int64 microseconds since the Unix epoch (BigQuery docs,
   * "Supported protocol buffer and Arrow data types"). Milliseconds would land in 1970.
   */
  created_at: number;
}

/** Deterministic per (job, item, model); the model is named by its place in the job's `models`. */
export const rowResultId = (jobId: string, itemId: string, modelIndex: number) => `${jobId}#${itemId}#${modelIndex}`;

// Pub/Sub attribute values hold at most 1024 bytes.
const attr = (value: string) => (Buffer.byteLength(value) <= 1024 ? value : Buffer.from(value).subarray(0, 1024).toString('utf8').replace(/\uFFFD+$/, ''));

function message(row: Row, kind = row.error ? (row.item_id === null ? 'job_error' : 'item_error') : 'row'): ResultMessage {
  return {
    data: Buffer.from(JSON.stringify(row)),
    attributes: {
      // The BigQuery and Cloud Storage subscriptions filter on format = "row".
      format: 'row',
      kind,
      job_id: row.job_id,
      result_id: attr(row.result_id),
      ...(row.model ? { model: attr(row.model) } : {}),
    },
  };
}

export const nowMicros = () => Date.now() * 1000;

/** Every row of a shard: item-major, one per model the job names, errors included. */
export function shardRows(job: BatchJob, outcome: ShardOutcome, createdAt = nowMicros()): Row[] {
  const rows: Row[] = [];
  for (const item of outcome.input) {
    const error = outcome.errors.get(item.index);
    outcome.perModel.forEach((m, modelIndex) => {
      const base = { job_id: job.jobId, item_id: item.id, result_id: rowResultId(job.jobId, item.id, modelIndex), created_at: createdAt };
      const vector = error ? undefined : m.vectors.get(item.index);
      if (!vector) {
        rows.push({
          ...base, model: m.model, dimensions: null, embedding: [], token_count: null, truncated: null, fallback: null,
          error: error ?? { type: 'internal', message: 'no vector was made for this item', field: `items[${item.index}]` },
        });
        return;
      }
      rows.push({
        ...base, model: vector.model, dimensions: vector.values.length, embedding: Array.from(vector.values),
        token_count: vector.tokens, truncated: vector.truncated, fallback: vector.fallbackReason, error: null,
      });
    });
  }
  return rows;
}

export const rowMessages = (rows: Row[]): ResultMessage[] => rows.map((row) => message(row));

/**
 * A gs:// shard whose byte range could not be read, as one row: no item (which ones the range
 * holds is unknown) and no model; `error.field` names the range, `input_uri@<start>-<end>`.
 */
export function shardErrorRow(job: BatchJob, shard: number, error: ItemError): ResultMessage {
  return message({
    job_id: job.jobId, item_id: null, model: null, dimensions: null, embedding: [], token_count: null, truncated: null, fallback: null,
    error, result_id: `${job.jobId}#shard-${shard}#error`, created_at: nowMicros(),
  }, 'shard_error');
}

/** A refused job, as one row: no item, no model, the error. */
export function jobErrorRow(jobId: string | undefined, messageId: string, error: GatewayError): ResultMessage {
  const key = jobId ?? `message-${messageId}`;
  return message({
    job_id: key, item_id: null, model: null, dimensions: null, embedding: [], token_count: null, truncated: null, fallback: null,
    error: { type: error.type, message: error.message, ...(error.field ? { field: error.field } : {}) },
    result_id: `${key}#error`, created_at: nowMicros(),
  });
}
