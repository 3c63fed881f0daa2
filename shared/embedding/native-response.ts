// The native `/embed` response shape (DESIGN.md).
import type { Response } from '@google-cloud/functions-framework';
import { toBase64 } from '../vectors.js';
import type { EmbeddedItem, EmbedOutcome } from './service.js';
import type { Encoding } from './request.js';
import { valuesJson } from './values-json.js';

/** Everything an embedding entry says besides its values. */
function itemFields(item: EmbeddedItem) {
  return {
    index: item.index,
    ...(item.id !== undefined ? { id: item.id } : {}),
    tokens: item.tokens,
    truncated: item.truncated,
    cached: item.cached,
    ...(item.chunk ? { chunk: item.chunk.index, start: item.chunk.start, end: item.chunk.end } : {}),
    ...(item.chunks !== undefined ? { chunks: item.chunks } : {}),
  };
}

function head(outcome: EmbedOutcome) {
  return { model: outcome.model, provider: outcome.provider, dimensions: outcome.dimensions, fallback: outcome.fallback };
}

/**
 * Writes the native response document, with float values printed through valuesJson: printing
 * floats is most of what answering from cache costs, and a hot vector is printed only once.
 */
export function sendNativeResponse(res: Response, outcome: EmbedOutcome, encoding: Encoding): void {
  const embeddings = outcome.items.map((item) => {
    const values = encoding === 'base64' ? JSON.stringify(toBase64(item.values)) : valuesJson(item.values);
    return `{"values":${values},${JSON.stringify(itemFields(item)).slice(1)}`;
  });
  const body = `${JSON.stringify(head(outcome)).slice(0, -1)},"embeddings":[${embeddings.join(',')}],"usage":${JSON.stringify(outcome.usage)}}`;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(body);
}

/** Every response that carries vectors names their model in a header too. */
export function setModelHeaders(res: Response, outcome: Pick<EmbedOutcome, 'model' | 'provider' | 'fallback'>): void {
  res.setHeader('x-embedding-model', outcome.model);
  res.setHeader('x-embedding-provider', outcome.provider);
  if (outcome.fallback.used) res.setHeader('x-embedding-fallback', outcome.fallback.reason ?? 'used');
}
