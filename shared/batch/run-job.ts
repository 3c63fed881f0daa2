// One delivery of a job message: parse, plan shards, skip the shards already recorded, embed and
// publish the rest, recording each before moving on. Returns to ack; throws to have Pub/Sub
// redeliver. Never retries forever: past BATCH_MAX_ATTEMPTS the remaining items get errors.
import type { Config } from '../config.js';
import { GatewayError } from '../errors.js';
import type { Gateway } from '../gateway.js';
import { log } from '../log.js';
import { writeShardLine } from '../observability/batch-log.js';
import { embedItems, type ShardOutcome } from './embed-shard.js';
import { describe, isPermanent } from './failures.js';
import { JobRejected, parseJob, type BatchJob } from '../wire/batch-job.js';
import type { ResultPublisher } from './publisher.js';
import { jobErrorMessage } from '../wire/batch-results.js';
import { jobErrorRow } from './rows.js';
import { writeShard, writeUnreadShard, type SinkContext } from './sinks.js';
import { jobSource, type JobSource, type ShardInput } from './source.js';
import { UNREAD_SHARD, type CompletionStore, type JobKey } from './store.js';

export interface BatchDeps {
  gateway: Gateway;
  config: Config;
  store: CompletionStore;
  publisher: ResultPublisher;
}

export interface Delivery {
  messageId: string;
  data: Buffer;
  /** Pub/Sub's count when the envelope carries it (dead-letter policy set); else the store counts. */
  deliveryAttempt?: number;
  /** Why the message's data could not be decoded, when it could not: a permanent job error. */
  undecodable?: string;
}

export type DeliveryOutcome =
  | { status: 'rejected'; jobId?: string; error: { type: string; message: string; field?: string } }
  | { status: 'done' | 'gave_up'; jobId: string; shards: number; published: number; skipped: number; attempts: number };

/** Checks the models exist and learns their output sizes, which the shard plan needs. */
function modelDimensions(gw: Gateway, job: BatchJob): number[] {
  return job.models.map((selector, i) => {
    try {
      const info = gw.resolve(selector, job.fallback).info();
      return job.dimensions ?? info.dimensions;
    } catch (error) {
      if (error instanceof GatewayError) throw new JobRejected(job.jobId, new GatewayError(error.kind, error.message, { field: `models[${i}]` }));
      throw error;
    }
  });
}

function sinkContext(deps: BatchDeps, dimensions: number[]): SinkContext {
  const { shardMaxItems, shardMaxBytes, storageEmulatorHost } = deps.config.batch;
  return { publisher: deps.publisher, storageEmulatorHost, shardMaxItems, shardMaxBytes, dimensions };
}

async function publishShard(deps: BatchDeps, ctx: SinkContext, job: BatchJob, key: JobKey, shards: number, shard: number, loaded: ShardInput, outcome: ShardOutcome, started: number) {
  await writeShard(ctx, job, { shard, shards, outcome, ...(loaded.instances ? { instances: loaded.instances } : {}) });
  const errors = outcome.input.filter((item) => outcome.errors.has(item.index)).length;
  await deps.store.markDone(key, shard, outcome.input.length, errors);
  writeShardLine({
    jobId: job.jobId, shard, shards, items: outcome.input.length, errors, models: outcome.models,
    tokens: outcome.usage?.tokens ?? 0, cachedTexts: outcome.usage?.cached ?? 0, latencyMs: Date.now() - started,
  });
}

/**
 * A gs:// shard whose byte range cannot be read: no item of it is known, so one shard-level error
 * names the range (DESIGN.md's "nothing lost": the subscriber learns which part of the file has no
 * results), and the shard is recorded as done and unread.
 */
async function publishUnread(deps: BatchDeps, ctx: SinkContext, job: BatchJob, key: JobKey, source: JobSource, shard: number, reason: { type: string; message: string }) {
  const range = source.range!(shard);
  const error = { type: reason.type, message: reason.message, field: `input_uri@${range.start}-${range.end}` };
  const models = job.models.map((selector) => deps.gateway.resolve(selector, job.fallback).info().model);
  await writeUnreadShard(ctx, job, { shard, shards: source.shards, range, error, models });
  await deps.store.markDone(key, shard, 0, UNREAD_SHARD);
  log.warn('batch shard input unreadable', { job_id: job.jobId, shard, shards: source.shards, error: reason.type });
}

function failedShard(gw: Gateway, job: BatchJob, loaded: ShardInput, error: { type: string; message: string }): ShardOutcome {
  const errors = new Map(loaded.input.map((item) => [item.index, { ...error, field: `items[${item.index}]` }]));
  // Every model the job named gets its error row.
  const perModel = job.models.map((selector) => ({ selector, model: gw.resolve(selector, job.fallback).info().model, vectors: new Map() }));
  return { input: loaded.input, errors, perModel, models: [] };
}

async function runJob(deps: BatchDeps, delivery: Delivery, job: BatchJob): Promise<DeliveryOutcome> {
  const started = Date.now();
  const dimensions = modelDimensions(deps.gateway, job);
  const source = await jobSource(deps.config, job, dimensions).catch((error) => {
    // A gs:// input that is missing or too large: redelivery would not change that.
    throw isPermanent(error) ? new JobRejected(job.jobId, error) : error;
  });
  const ctx = sinkContext(deps, dimensions);
  const key: JobKey = { jobId: job.jobId, contentHash: source.contentHash, planHash: source.planHash };
  const state = await deps.store.begin(key, { shards: source.shards, items: source.items });
  if (state.conflict) {
    throw new JobRejected(job.jobId, new GatewayError('invalid_request', `job_id ${job.jobId} was already used for a job with other content; use a new job_id`, { field: 'job_id' }));
  }
  const attempts = Math.max(state.attempts, delivery.deliveryAttempt ?? 0);
  const pending = Array.from({ length: source.shards }, (_, k) => k).filter((k) => !state.done.has(k));
  const { maxAttempts } = deps.config.batch;
  const summary = { jobId: job.jobId, shards: source.shards, skipped: source.shards - pending.length, attempts };

  const giveUp = async (from: number, reason: { type: string; message: string }) => {
    const error = { type: reason.type, message: `Gave up after ${attempts} deliveries: ${reason.message}` };
    await deps.store.markGaveUp(key);
    for (const shard of pending.slice(from)) {
      let loaded: ShardInput;
      try {
        loaded = await source.load(shard);
      } catch (readError) {
        // Throwing here would only redeliver into the same give-up: the range gets its error instead.
        if (!source.range) throw readError;
        const read = describe(readError);
        await publishUnread(deps, ctx, job, key, source, shard, { type: read.type, message: `Gave up after ${attempts} deliveries: ${read.message}` });
        continue;
      }
      await publishShard(deps, ctx, job, key, source.shards, shard, loaded, failedShard(deps.gateway, job, loaded, error), Date.now());
    }
    log.error('batch job gave up', { job_id: job.jobId, attempts, shards: pending.length - from, error: reason.type });
    return { status: 'gave_up' as const, ...summary, published: pending.length };
  };

  if (attempts > maxAttempts) {
    return giveUp(0, { type: 'upstream', message: 'earlier deliveries did not finish (crash or timeout)' });
  }

  const chunk = deps.config.limits.maxInputs;
  const embed = async (shard: number) => {
    let loaded: ShardInput;
    try {
      loaded = await source.load(shard);
    } catch (error) {
      // A gs:// range whose planned generation is gone: lost for good, the other ranges may be fine.
      if (isPermanent(error) && source.range) return { unread: describe(error) };
      throw error;
    }
    return { loaded, outcome: await embedItems(deps.gateway, job, loaded.input, chunk, loaded.errors) };
  };
  // Reading and embedding the next shard overlaps publishing this one; the model is the bottleneck.
  let next = pending[0] !== undefined ? embed(pending[0]) : undefined;
  let shardStarted = Date.now();
  for (let i = 0; i < pending.length; i++) {
    const shard = pending[i]!;
    try {
      const embedded = await next!;
      const started = shardStarted;
      shardStarted = Date.now();
      next = pending[i + 1] !== undefined ? embed(pending[i + 1]!) : undefined;
      next?.catch(() => undefined);
      if ('unread' in embedded) await publishUnread(deps, ctx, job, key, source, shard, embedded.unread!);
      else await publishShard(deps, ctx, job, key, source.shards, shard, embedded.loaded, embedded.outcome, started);
    } catch (error) {
      if (isPermanent(error)) throw new JobRejected(job.jobId, error);
      log.warn('batch job failed; leaving it to redelivery', { job_id: job.jobId, attempts, shard, error: describe(error).type });
      if (attempts < maxAttempts) throw error;
      return giveUp(i, describe(error));
    }
  }
  log.info('batch job done', { job_id: job.jobId, items: source.items ?? undefined, ...summary, published: pending.length, ms: Date.now() - started });
  return { status: 'done', ...summary, published: pending.length };
}

export async function processDelivery(deps: BatchDeps, delivery: Delivery): Promise<DeliveryOutcome> {
  let job: BatchJob | undefined;
  try {
    if (delivery.undecodable) throw new JobRejected(undefined, new GatewayError('invalid_request', `The job message cannot be read: ${delivery.undecodable}`, { field: 'message.data' }));
    job = parseJob(delivery.data, deps.config);
    return await runJob(deps, delivery, job);
  } catch (error) {
    if (!(error instanceof JobRejected)) throw error;
    // Permanent: tell the subscriber, then ack. A publish failure here throws: redelivery.
    // A rows deployment's results topic feeds a table: the refusal is a row too.
    const rows = (job?.output ?? deps.config.batch.output) === 'rows' && !job?.outputPrefix;
    await deps.publisher.publish(rows ? jobErrorRow(error.jobId, delivery.messageId, error) : jobErrorMessage(error.jobId, delivery.messageId, error));
    log.warn('batch job rejected', { job_id: error.jobId, message_id: delivery.messageId, error: error.type, field: error.field });
    return { status: 'rejected', ...(error.jobId ? { jobId: error.jobId } : {}), error: describe(error) };
  }
}
