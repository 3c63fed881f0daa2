// One embedding pipeline for every route: pick the provider (behind the cache, with its
// fallback), split long texts when asked, embed, and describe the result. Routes differ only in
// how they parse requests and shape responses.
import { GatewayError } from '../errors.js';
import type { Gateway } from '../gateway.js';
import type { ModelChoice } from '../limits/policy.js';
import { recordOutcome, type RequestFacts } from '../observability/request-log.js';
import { checkDimensions } from '../providers/dimensions.js';
import { InputRefusedError } from '../providers/errors.js';
import type { EmbeddingProvider, EmbedInput, EmbedOptions, FallbackInfo, ProviderName, ProviderResult } from '../providers/types.js';
import { chunkItems, poolVectors } from './long-text.js';
import type { EmbedRequest, RequestItem } from './request.js';

export interface EmbeddedItem {
  index: number;
  id?: string;
  values: Float32Array;
  tokens: number;
  truncated: boolean;
  cached: boolean;
  /** long_text "chunk": which chunk of the input, and where it lies in the input's text. */
  chunk?: { index: number; start: number; end: number };
  /** long_text "pool": how many chunk vectors were pooled. */
  chunks?: number;
}

export interface EmbedOutcome {
  model: string;
  provider: ProviderName;
  dimensions: number;
  fallback: FallbackInfo;
  items: EmbeddedItem[];
  usage: { tokens: number; cached: number };
}

export interface CallContext {
  signal?: AbortSignal;
  deadline?: number;
  /** Filled with what the request did, for its log line. */
  facts?: RequestFacts;
  /** Refuses a model the caller may not use (403), before any work. */
  allowModel?(choice: ModelChoice): void;
}

export async function embedRequest(gw: Gateway, request: EmbedRequest, ctx: CallContext = {}): Promise<EmbedOutcome> {
  const result = await embed(gw, request, ctx);
  if (ctx.facts) recordOutcome(ctx.facts, result);
  return result;
}

async function embed(gw: Gateway, request: EmbedRequest, ctx: CallContext): Promise<EmbedOutcome> {
  const provider = gw.resolve(request.model, request.fallback);
  const info = provider.info();
  ctx.allowModel?.({ selector: request.model, provider: info.provider, model: info.model });
  checkDimensions(info, request.dimensions);
  // Shed load before hashing, cache look-ups and chunking: under a storm of retries a refusal must
  // cost far less than an answer. Every input needs at least one text in the local queue.
  if (info.provider === 'local') gw.local.checkAdmission(request.items.length, 'inputs');
  const options = { task: request.task, dimensions: request.dimensions, truncate: request.truncate, normalize: request.normalize !== false, signal: ctx.signal, deadline: ctx.deadline };
  const fieldOf = (item: RequestItem) => `inputs[${item.index}]`;

  if (request.longText === 'truncate') {
    const units = request.items.map(({ text, title, task }) => ({ text, ...(title !== undefined ? { title } : {}), ...(task !== undefined ? { task } : {}) }));
    const result = await embedUnits(provider, units, options, (i) => fieldOf(request.items[i]!));
    const items = result.vectors.map((vector, i) => ({ ...identity(request.items[i]!), ...vectorFields(vector) }));
    return outcome(result, items, request, info.dimensions);
  }

  const chunked = await chunkItems(gw, request.items, info, request.task, ctx.signal);
  const owners = chunked.flatMap(({ item, chunks }) => chunks.map((chunk) => ({ item, chunk })));
  const units = owners.map(({ item, chunk }) => ({ text: chunk.text, ...(item.title !== undefined ? { title: item.title } : {}), ...(item.task !== undefined ? { task: item.task } : {}) }));
  const result = await embedUnits(provider, units, options, (i) => fieldOf(owners[i]!.item));
  let items: EmbeddedItem[];
  if (request.longText === 'chunk') {
    items = result.vectors.map((vector, i) => {
      const { item, chunk } = owners[i]!;
      return { ...identity(item), ...vectorFields(vector), chunk: { index: chunk.index, start: chunk.start, end: chunk.end } };
    });
  } else {
    let next = 0;
    items = chunked.map(({ item, chunks }) => {
      const parts = result.vectors.slice(next, next + chunks.length);
      next += chunks.length;
      return {
        ...identity(item),
        values: poolVectors(parts),
        tokens: parts.reduce((sum, part) => sum + part.tokens, 0),
        truncated: parts.some((part) => part.truncated),
        cached: parts.every((part) => part.cached),
        chunks: parts.length,
      };
    });
  }
  return outcome(result, items, request, info.dimensions, result.vectors.filter((v) => v.cached).length);
}

function identity(item: RequestItem): { index: number; id?: string } {
  return { index: item.index, ...(item.id !== undefined ? { id: item.id } : {}) };
}

/** The provider's answer for the units; a refused unit is named as the caller's request names it. */
async function embedUnits(provider: EmbeddingProvider, units: EmbedInput[], options: EmbedOptions, fieldOf: (unit: number) => string): Promise<ProviderResult> {
  try {
    return await provider.embed(units, options);
  } catch (error) {
    if (error instanceof InputRefusedError) throw new GatewayError('invalid_request', error.message, { field: fieldOf(error.index) });
    throw error;
  }
}

function vectorFields(vector: ProviderResult['vectors'][number]) {
  return { values: vector.values, tokens: vector.tokens, truncated: vector.truncated, cached: vector.cached === true };
}

function outcome(result: ProviderResult, items: EmbeddedItem[], request: EmbedRequest, fullDimensions: number, cachedUnits?: number): EmbedOutcome {
  return {
    model: result.model,
    provider: result.provider,
    dimensions: items[0]?.values.length ?? request.dimensions ?? fullDimensions,
    fallback: result.fallback,
    items,
    usage: {
      tokens: items.reduce((sum, item) => sum + item.tokens, 0),
      // Vectors served from cache: texts, or chunks when long texts were split.
      cached: cachedUnits ?? items.filter((item) => item.cached).length,
    },
  };
}
