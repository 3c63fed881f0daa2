// One delivery of a job message: parse, plan shards, skip the shards already recorded, embed and
// publish the rest, recording each before moving on. Returns to ack; throws to have Pub/Sub
// redeliver. Never retries forever: past BATCH_MAX_ATTEMPTS the remaining items get errors.
import type { Config } from '../config.js';
import { GatewayError } from '../errors.js';
import type { Gateway } from '../gateway.js';
import { log } from '../log.js';
import { writeShardLine } from '../observability/batch-log.js';
import { embedShard, type ShardOutcome } from './embed-shard.js';
import { describe, isPermanent } from './failures.js';
import { JobRejected, parseJob, type BatchJob } from './job.js';
import { planShards, type Shard, type ShardPlan } from './plan.js';
import type { ResultPublisher } from './publisher.js';
import { jobErrorMessage, shardMessage, type ItemResult } from './results.js';
import type { CompletionStore, JobKey } from './store.js';

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
      if (error instanceof GatewayError) throw new JobRejected(job.jobId, new GatewayError(error.type, error.message, { field: `models[${i}]` }));
      throw error;
    }
  });
}

async function publishShard(deps: BatchDeps, job: BatchJob, plan: ShardPlan, key: JobKey, shard: Shard, outcome: ShardOutcome, started: number) {
  await deps.publisher.publish(shardMessage(job, plan, shard, outcome.items, outcome.models));
  await deps.store.markDone(key, shard.index, outcome.items.length);
  writeShardLine({
    jobId: job.jobId, shard: shard.index, shards: plan.shards.length, items: outcome.items.length,
    errors: outcome.items.filter((item) => 'error' in item).length, models: outcome.models,
    tokens: outcome.usage?.tokens ?? 0, cachedTexts: outcome.usage?.cached ?? 0, latencyMs: Date.now() - started,
  });
}

function failedShard(job: BatchJob, shard: Shard, error: { type: string; message: string }): ShardOutcome {
  const items = job.items.slice(shard.start, shard.end).map((item): ItemResult => ({ id: item.id, error: { ...error, field: `items[${item.index}]` } }));
  return { items, models: [] };
}

async function runJob(deps: BatchDeps, delivery: Delivery, job: BatchJob): Promise<DeliveryOutcome> {
  const started = Date.now();
  const dimensions = modelDimensions(deps.gateway, job);
  const plan = planShards(job, { maxItems: deps.config.batch.shardMaxItems, maxBytes: deps.config.batch.shardMaxBytes, dimensions });
  const key: JobKey = { jobId: job.jobId, contentHash: plan.contentHash, planHash: plan.planHash };
  const state = await deps.store.begin(key);
  if (state.conflict) {
    throw new JobRejected(job.jobId, new GatewayError('invalid_request', `job_id ${job.jobId} was already used for a job with other content; use a new job_id`, { field: 'job_id' }));
  }
  const attempts = Math.max(state.attempts, delivery.deliveryAttempt ?? 0);
  const pending = plan.shards.filter((shard) => !state.done.has(shard.index));
  const { maxAttempts } = deps.config.batch;
  const summary = { jobId: job.jobId, shards: plan.shards.length, skipped: plan.shards.length - pending.length, attempts };

  const giveUp = async (from: number, reason: { type: string; message: string }) => {
    const error = { type: reason.type, message: `Gave up after ${attempts} deliveries: ${reason.message}` };
    for (const shard of pending.slice(from)) await publishShard(deps, job, plan, key, shard, failedShard(job, shard, error), Date.now());
    log.error('batch job gave up', { job_id: job.jobId, attempts, shards: pending.length - from, error: reason.type });
    return { status: 'gave_up' as const, ...summary, published: pending.length };
  };

  if (attempts > maxAttempts) {
    return giveUp(0, { type: 'upstream', message: 'earlier deliveries did not finish (crash or timeout)' });
  }

  const chunk = deps.config.limits.maxInputs;
  const embed = (shard: Shard) => embedShard(deps.gateway, job, shard, chunk);
  // Embedding the next shard overlaps publishing this one; the model is the bottleneck.
  let next = pending[0] ? embed(pending[0]) : undefined;
  let shardStarted = Date.now();
  for (let i = 0; i < pending.length; i++) {
    const shard = pending[i]!;
    let outcome: ShardOutcome;
    try {
      outcome = await next!;
      const started = shardStarted;
      shardStarted = Date.now();
      next = pending[i + 1] ? embed(pending[i + 1]!) : undefined;
      next?.catch(() => undefined);
      await publishShard(deps, job, plan, key, shard, outcome, started);
    } catch (error) {
      if (isPermanent(error)) throw new JobRejected(job.jobId, error);
      log.warn('batch job failed; leaving it to redelivery', { job_id: job.jobId, attempts, shard: shard.index, error: describe(error).type });
      if (attempts < maxAttempts) throw error;
      return giveUp(i, describe(error));
    }
  }
  log.info('batch job done', { job_id: job.jobId, items: job.items.length, ...summary, published: pending.length, ms: Date.now() - started });
  return { status: 'done', ...summary, published: pending.length };
}

export async function processDelivery(deps: BatchDeps, delivery: Delivery): Promise<DeliveryOutcome> {
  let job: BatchJob | undefined;
  try {
    job = parseJob(delivery.data);
    return await runJob(deps, delivery, job);
  } catch (error) {
    if (!(error instanceof JobRejected)) throw error;
    // Permanent: tell the subscriber, then ack. A publish failure here throws: redelivery.
    await deps.publisher.publish(jobErrorMessage(error.jobId, delivery.messageId, error));
    log.warn('batch job rejected', { job_id: error.jobId, message_id: delivery.messageId, error: error.type, field: error.field });
    return { status: 'rejected', ...(error.jobId ? { jobId: error.jobId } : {}), error: describe(error) };
  }
}
