// Where a shard's outcome goes: shard messages (the default), rows (`output: "rows"`, one
// message per item and model, for BigQuery and Cloud Storage subscriptions), or Vertex batch
// prediction's JSONL files under `output_uri_prefix`. Every form is cut from the shard alone,
// so a republished shard repeats its result ids (or rewrites its files) exactly.
import { shardItems, type ShardOutcome } from './embed-shard.js';
import type { BatchJob } from '../wire/batch-job.js';
import { planShards } from './plan.js';
import type { ResultPublisher } from './publisher.js';
import { rowMessages, shardErrorRow, shardRows } from './rows.js';
import { shardErrorMessage, shardMessage, type InputRange, type ItemError } from '../wire/batch-results.js';
import { unreadLine, writeVertexShard, writeVertexUnread } from './vertex-output.js';

export interface SinkContext {
  publisher: ResultPublisher;
  storageEmulatorHost: string | null;
  /** The per-message limits of shard messages. */
  shardMaxItems: number;
  shardMaxBytes: number;
  dimensions: number[];
}

export interface ShardOutput {
  shard: number;
  shards: number;
  outcome: ShardOutcome;
  /** A gs:// job's input lines as read, for Vertex output's `instance`. */
  instances?: Map<number, unknown>;
}

export async function writeShard(ctx: SinkContext, job: BatchJob, out: ShardOutput): Promise<void> {
  if (job.outputPrefix) {
    await writeVertexShard(ctx.storageEmulatorHost, job, out.shard, out.outcome, out.instances ?? new Map());
    return;
  }
  if (job.output === 'rows') {
    await ctx.publisher.publishMany(rowMessages(shardRows(job, out.outcome)));
    return;
  }
  const items = shardItems(out.outcome, job.encoding);
  const plan = { shards: { length: out.shards } };
  if (!job.input) {
    await ctx.publisher.publish(shardMessage(job, plan, { index: out.shard }, items, out.outcome.models));
    return;
  }
  // A byte range can hold more items than a message takes: parts cut by the usual limits.
  const parts = planShards({ ...job, items: out.outcome.input }, { maxItems: ctx.shardMaxItems, maxBytes: ctx.shardMaxBytes, dimensions: ctx.dimensions }).shards;
  for (const part of parts) {
    await ctx.publisher.publish(shardMessage(job, plan, { index: out.shard }, items.slice(part.start, part.end), out.outcome.models, { index: part.index, count: parts.length }));
  }
}

export interface UnreadShard {
  shard: number;
  shards: number;
  range: InputRange;
  /** Its field names the range: input_uri@<start>-<end>. */
  error: ItemError;
  /** The models the job names, for Vertex output's one file per model. */
  models: string[];
}

/** A shard whose part of the gs:// input could not be read: one error for the range, in each form. */
export async function writeUnreadShard(ctx: SinkContext, job: BatchJob, out: UnreadShard): Promise<void> {
  if (job.outputPrefix) {
    await writeVertexUnread(ctx.storageEmulatorHost, job, out.shard, out.models, unreadLine(job.input!, out.range, out.error));
    return;
  }
  await ctx.publisher.publish(job.output === 'rows' ? shardErrorRow(job, out.shard, out.error) : shardErrorMessage(job, out.shards, out.shard, out.range, out.error));
}
