// `/similarity`: a query and texts embedded in ONE request through the one pipeline, so every
// vector comes from the same model (even on fallback), then ranked by cosine similarity.
import type { Config } from '../config.js';
import { taskTypes } from '../providers/types.js';
import { invalid } from '../errors.js';
import { optionalBool, optionalEnum, optionalInt, optionalString, rejectUnknownFields, requireText, type Json } from './validate.js';
import { cosine } from '../vectors.js';
import { checkTextLimits, type EmbedRequest } from '../embedding/request.js';
import type { EmbedOutcome } from '../embedding/service.js';

const FIELDS = ['query', 'texts', 'task', 'model', 'fallback', 'truncate', 'long_text', 'dimensions'] as const;

export function parseSimilarityRequest(body: Json, settings: Config): { request: EmbedRequest; texts: string[] } {
  rejectUnknownFields(body, FIELDS);
  const query = requireText(body.query, 'query');
  const texts = body.texts;
  if (!Array.isArray(texts)) throw invalid('texts', 'texts must be an array of texts to compare with the query');
  if (texts.length === 0) throw invalid('texts', 'texts is empty; send at least one text');
  const checked = texts.map((text, i) => requireText(text, `texts[${i}]`));
  // The query counts as one of the request's inputs.
  checkTextLimits([query, ...checked], (i) => (i < 0 ? 'texts' : i === 0 ? 'query' : `texts[${i - 1}]`), settings.limits);
  const model = optionalString(body, 'model') ?? 'auto';
  return {
    texts: checked,
    request: {
      items: [query, ...checked].map((text, index) => ({ index, text })),
      task: optionalEnum(body, 'task', taskTypes, 'SEMANTIC_SIMILARITY'),
      dimensions: optionalInt(body, 'dimensions', 1, 100_000),
      truncate: optionalBool(body, 'truncate', true),
      // One vector per text is what a score needs, so chunk is not offered here.
      longText: optionalEnum(body, 'long_text', ['truncate', 'pool'] as const, 'truncate'),
      model,
      fallback: optionalBool(body, 'fallback', true),
      encoding: 'float',
    },
  };
}

export function similarityResponse(outcome: EmbedOutcome, texts: string[]) {
  const [query, ...rest] = outcome.items;
  const scores = rest
    .map((item, i) => ({ index: i, text: texts[i]!, score: cosine(query!.values, item.values) }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  return {
    model: outcome.model,
    provider: outcome.provider,
    fallback: outcome.fallback,
    scores,
    usage: outcome.usage,
  };
}
