// Embeds one shard's items with every model the job names, through the same pipeline as the
// HTTP routes. An item the models cannot take becomes an error for that item alone; any other
// failure propagates to the caller, which decides between redelivery and a job error.
import { GatewayError, invalid, tooLarge } from '../errors.js';
import type { Gateway } from '../gateway.js';
import type { EmbedRequest, RequestItem } from '../embedding/request.js';
import { embedRequest, type EmbedOutcome } from '../embedding/service.js';
import { toBase64 } from '../vectors.js';
import { failedItemIndex, isUnattributed } from './failures.js';
import type { BatchItem, BatchJob } from '../wire/batch-job.js';
import type { ItemError, ItemResult, ModelUsed } from '../wire/batch-results.js';

/** One item's vector from one model, with what the row format reports beside it. */
export interface ItemVector {
  values: Float32Array;
  tokens: number;
  truncated: boolean;
  /** The model that made it: the fallback's when the call fell back. */
  model: string;
  fallbackReason: string | null;
}

export interface ModelVectors {
  selector: string;
  /** The model the selector names (the primary's id, also for items that failed). */
  model: string;
  vectors: Map<number, ItemVector>;
}

export interface ShardOutcome {
  /** The shard's items, in job order. */
  input: BatchItem[];
  errors: Map<number, ItemError>;
  perModel: ModelVectors[];
  models: ModelUsed[];
  /** Tokens the models read, and vectors served from cache, over every model (for the shard's log line). */
  usage?: { tokens: number; cached: number };
}

/** The shard message's items: vectors keyed by model, or the item's error. */
export function shardItems(outcome: ShardOutcome, encoding: BatchJob['encoding']): ItemResult[] {
  const encode = (values: Float32Array) => (encoding === 'base64' ? toBase64(values) : Array.from(values));
  return outcome.input.map((item): ItemResult => {
    const error = outcome.errors.get(item.index);
    if (error) return { id: item.id, error };
    const vectors: Record<string, number[] | string> = {};
    for (const { vectors: byIndex } of outcome.perModel) {
      const vector = byIndex.get(item.index);
      if (vector) vectors[vector.model] = encode(vector.values);
    }
    return { id: item.id, vectors };
  });
}

function checkText(item: BatchItem, maxChars: number): GatewayError | undefined {
  const field = `items[${item.index}].text`;
  if (item.text.trim() === '') return invalid(field, `${field} is empty`);
  if (item.text.length > maxChars) return tooLarge(field, `${field} has ${item.text.length} characters; the limit is ${maxChars}`);
  return undefined;
}

const itemError = (error: GatewayError, index: number): ItemError => ({
  type: error.type,
  message: error.message,
  // Providers name the position as inputs[k]; the job calls it items[k].
  field: error.field?.replace(/^inputs\[\d+\]/, `items[${index}]`) ?? `items[${index}]`,
});

/**
 * Embeds with one model. An item the model refuses by position is peeled off (rare); a refusal
 * that names no item (Vertex's 400 for one over-long text in a call) is halved until the item
 * is found, so one bad item never costs its neighbours their vectors.
 */
async function embedWithModel(gw: Gateway, job: BatchJob, selector: string, items: BatchItem[], errors: Map<number, ItemError>, chunk: number) {
  const vectors = new Map<number, ItemVector>();
  const usage = { tokens: 0, cached: 0 };
  let outcome: EmbedOutcome | undefined;
  const run = async (batch: RequestItem[]): Promise<void> => {
    while (batch.length > 0) {
      const request: EmbedRequest = {
        items: batch, task: job.task, dimensions: job.dimensions, truncate: job.truncate,
        longText: 'truncate', model: selector, fallback: job.fallback, encoding: job.encoding,
      };
      try {
        const answer = await embedRequest(gw, request);
        outcome = answer;
        const fallbackReason = answer.fallback.used ? (answer.fallback.reason ?? 'unknown') : null;
        answer.items.forEach((item) => vectors.set(item.index, {
          values: item.values, tokens: item.tokens, truncated: item.truncated, model: answer.model, fallbackReason,
        }));
        usage.tokens += answer.usage.tokens;
        usage.cached += answer.usage.cached;
        return;
      } catch (error) {
        const index = failedItemIndex(error);
        if (index !== undefined && batch.some((item) => item.index === index)) {
          errors.set(index, itemError(error as GatewayError, index));
          batch = batch.filter((item) => item.index !== index);
          continue;
        }
        if (!isUnattributed(error)) throw error;
        if (batch.length === 1) {
          errors.set(batch[0]!.index, itemError(error, batch[0]!.index));
          return;
        }
        const mid = Math.ceil(batch.length / 2);
        await run(batch.slice(0, mid));
        await run(batch.slice(mid));
        return;
      }
    }
  };
  for (let start = 0; start < items.length; start += chunk) {
    await run(items.slice(start, start + chunk).map(({ index, text, title }) => ({ index, text, ...(title !== undefined ? { title } : {}) })));
  }
  return { vectors, outcome, usage };
}

/** `known`: items already refused before embedding (a gs:// line that is not JSON). */
export async function embedItems(gw: Gateway, job: BatchJob, input: BatchItem[], chunk: number, known?: Map<number, ItemError>): Promise<ShardOutcome> {
  const errors = new Map<number, ItemError>(known);
  for (const item of input) {
    if (errors.has(item.index)) continue;
    const problem = checkText(item, gw.config.limits.maxTextChars);
    if (problem) errors.set(item.index, itemError(problem, item.index));
  }
  const perModel: ModelVectors[] = [];
  const models: ModelUsed[] = [];
  const total = { tokens: 0, cached: 0 };
  for (const selector of job.models) {
    const { vectors, outcome, usage } = await embedWithModel(gw, job, selector, input.filter((item) => !errors.has(item.index)), errors, chunk);
    perModel.push({ selector, model: outcome?.model ?? gw.resolve(selector, job.fallback).info().model, vectors });
    total.tokens += usage.tokens;
    total.cached += usage.cached;
    if (outcome) models.push({ selector, model: outcome.model, provider: outcome.provider, fallback: outcome.fallback });
  }
  return { input, errors, perModel, models, usage: total };
}
