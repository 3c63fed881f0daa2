// One embedding pipeline for every route: pick the provider, embed, and describe the result.
// Routes differ only in how they parse requests and shape responses.
import { GatewayError, invalid } from '../errors.js';
import type { Gateway } from '../gateway.js';
import type { FallbackInfo, ProviderName } from '../providers/types.js';
import { TextTooLongError } from '../providers/local/local.js';
import type { EmbedRequest } from './request.js';

export interface EmbeddedItem {
  index: number;
  id?: string;
  values: Float32Array;
  tokens: number;
  truncated: boolean;
  cached: boolean;
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
}

export async function embedRequest(gw: Gateway, request: EmbedRequest, ctx: CallContext = {}): Promise<EmbedOutcome> {
  const provider = gw.resolve(request.model, request.fallback);
  const info = provider.info();
  if (request.dimensions !== undefined && request.dimensions > info.dimensions) {
    throw invalid('dimensions', `dimensions must be at most ${info.dimensions} for ${info.model}`);
  }
  const options = { task: request.task, dimensions: request.dimensions, truncate: request.truncate, signal: ctx.signal, deadline: ctx.deadline };
  let result;
  try {
    result = await provider.embed(request.items.map(({ text, title }) => ({ text, title })), options);
  } catch (error) {
    // A provider names the position in its own call; the caller needs the position in its request.
    if (error instanceof TextTooLongError) {
      throw new GatewayError('invalid_request', error.message, { field: `inputs[${request.items[error.index]!.index}]` });
    }
    throw error;
  }
  const items = result.vectors.map((vector, i) => ({
    index: request.items[i]!.index,
    ...(request.items[i]!.id !== undefined ? { id: request.items[i]!.id } : {}),
    values: vector.values,
    tokens: vector.tokens,
    truncated: vector.truncated,
    cached: false,
  }));
  return {
    model: result.model,
    provider: result.provider,
    dimensions: items[0]?.values.length ?? request.dimensions ?? info.dimensions,
    fallback: result.fallback,
    items,
    usage: { tokens: items.reduce((sum, item) => sum + item.tokens, 0), cached: items.filter((item) => item.cached).length },
  };
}
