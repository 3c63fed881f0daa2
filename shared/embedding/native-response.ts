// The native `/embed` response shape (DESIGN.md).
import type { Response } from '@google-cloud/functions-framework';
import { toBase64 } from '../vectors.js';
import type { EmbedOutcome } from './service.js';
import type { Encoding } from './request.js';

export function nativeResponse(outcome: EmbedOutcome, encoding: Encoding) {
  return {
    model: outcome.model,
    provider: outcome.provider,
    dimensions: outcome.dimensions,
    fallback: outcome.fallback,
    embeddings: outcome.items.map((item) => ({
      index: item.index,
      ...(item.id !== undefined ? { id: item.id } : {}),
      values: encoding === 'base64' ? toBase64(item.values) : Array.from(item.values),
      tokens: item.tokens,
      truncated: item.truncated,
      cached: item.cached,
      ...(item.chunk ? { chunk: item.chunk.index, start: item.chunk.start, end: item.chunk.end } : {}),
      ...(item.chunks !== undefined ? { chunks: item.chunks } : {}),
    })),
    usage: outcome.usage,
  };
}

/** Every response that carries vectors names their model in a header too. */
export function setModelHeaders(res: Response, outcome: Pick<EmbedOutcome, 'model' | 'provider' | 'fallback'>): void {
  res.setHeader('x-embedding-model', outcome.model);
  res.setHeader('x-embedding-provider', outcome.provider);
  if (outcome.fallback.used) res.setHeader('x-embedding-fallback', outcome.fallback.reason ?? 'used');
}
