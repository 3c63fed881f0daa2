// Parses an OpenAI embeddings body into the gateway's EmbedRequest. OpenAI's field names are
// the parameter names in errors (`input[2]`, `encoding_format`), as OpenAI reports them.
import { config } from '../config.js';
import { invalid } from '../errors.js';
import type { EmbedRequest, Encoding, RequestItem } from '../embedding/request.js';
import { checkInputCount, checkTextLimits } from '../embedding/request.js';
import { optionalEnum, optionalInt, optionalString, rejectUnknownFields, requireText, type Json } from '../http/validate.js';

const FIELDS = ['input', 'model', 'dimensions', 'encoding_format', 'user'] as const;

export interface OpenAIEmbeddingsRequest {
  request: EmbedRequest;
  encoding: Encoding;
  /** Whether `input` was one string (so pipeline errors name `input`, not `input[0]`). */
  single: boolean;
}

const tokenIdsRefused = (field: string) =>
  invalid(field, `${field} holds token ids. Token ids are OpenAI tokenizer ids and mean nothing to this gateway's models, `
    + 'which tokenize text themselves: send the text as a string or an array of strings');

const isTokenIds = (value: unknown) => typeof value === 'number' || (Array.isArray(value) && value.every((v) => typeof v === 'number'));

function parseInput(input: unknown): { texts: string[]; single: boolean } {
  if (input === undefined || input === null) throw invalid('input', 'input is required: a string or an array of strings');
  if (typeof input === 'string') return { texts: [requireText(input, 'input')], single: true };
  if (!Array.isArray(input)) throw invalid('input', 'input must be a string or an array of strings');
  if (input.length === 0) throw invalid('input', 'input is empty; send at least one text');
  if (input.every((v) => typeof v === 'number')) throw tokenIdsRefused('input');
  checkInputCount(input.length, 'input');
  const texts = input.map((value, i) => {
    if (typeof value !== 'string' && isTokenIds(value)) throw tokenIdsRefused(`input[${i}]`);
    return requireText(value, `input[${i}]`);
  });
  return { texts, single: false };
}

/** `resolveModel` turns the OpenAI model name into a gateway selector, or throws model_not_found. */
export function parseOpenAIRequest(body: Json, resolveModel: (name: string) => string): OpenAIEmbeddingsRequest {
  rejectUnknownFields(body, FIELDS);
  const { texts, single } = parseInput(body.input);
  checkTextLimits(texts, (i) => (i < 0 || single ? 'input' : `input[${i}]`));
  const name = optionalString(body, 'model');
  if (name === undefined) throw invalid('model', 'model is required, e.g. "text-embedding-3-small"');
  if (name.trim() === '') throw invalid('model', 'model is empty');
  const dimensions = optionalInt(body, 'dimensions', 1, 100_000);
  const encoding = optionalEnum(body, 'encoding_format', ['float', 'base64'] as const, 'float');
  // Accepted for compatibility; it is the caller's end-user id, so it is neither used nor logged.
  optionalString(body, 'user');
  const model = resolveModel(name);
  const items: RequestItem[] = texts.map((text, index) => ({ index, text }));
  return {
    request: {
      items,
      task: config().defaultTask,
      dimensions,
      // OpenAI refuses texts past its 8k context; the bundled model reads 512 tokens, so cutting
      // (as /embed does by default) keeps apps sized for OpenAI working. usage says what was read.
      truncate: true,
      longText: 'truncate',
      model,
      fallback: true,
      encoding,
    },
    encoding,
    single,
  };
}
