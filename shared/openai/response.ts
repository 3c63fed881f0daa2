// OpenAI's embeddings response. `model` names the model that made the vectors (not the alias
// the caller sent): vectors of two models never compare, and the caller must be able to tell.
import type { EmbedOutcome } from '../embedding/service.js';
import type { Encoding } from '../embedding/request.js';
import { toBase64 } from '../vectors.js';

export function openaiResponse(outcome: EmbedOutcome, encoding: Encoding) {
  return {
    object: 'list' as const,
    data: outcome.items.map((item) => ({
      object: 'embedding' as const,
      index: item.index,
      embedding: encoding === 'base64' ? toBase64(item.values) : Array.from(item.values),
    })),
    model: outcome.model,
    usage: { prompt_tokens: outcome.usage.tokens, total_tokens: outcome.usage.tokens },
  };
}
