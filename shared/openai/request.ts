// Parses an OpenAI embeddings body into the gateway's EmbedRequest. OpenAI's field names are
// the parameter names in errors (`input[2]`, `encoding_format`), as OpenAI reports them.
import type { Config } from '../config.js';
import { invalid, tooLarge } from '../errors.js';
import { decodeTokenIds, encodingFor } from './token-ids.js';
import type { EmbedRequest, Encoding, RequestItem } from '../embedding/request.js';
import { checkInputCount, checkTextLimits } from '../embedding/request.js';
import { optionalBool, optionalEnum, optionalInt, optionalString, rejectUnknownFields, requireText, type Json } from '../wire/validate.js';

// `normalize` is the gateway's extension (default true); OpenAI's SDKs pass it through as an extra body field.
const FIELDS = ['input', 'model', 'dimensions', 'encoding_format', 'user', 'normalize'] as const;

export interface OpenAIEmbeddingsRequest {
  request: EmbedRequest;
  encoding: Encoding;
  /** Whether `input` was one string (so pipeline errors name `input`, not `input[0]`). */
  single: boolean;
}

type Input = string | number[];

const isTokenIds = (value: unknown): value is number[] => Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number');

function checkTokenIds(ids: number[], field: string, maxTokenIdsPerInput: number): void {
  if (ids.length > maxTokenIdsPerInput) throw tooLarge(field, `${field} holds ${ids.length} token ids; the limit is ${maxTokenIdsPerInput}`);
}

/** Text, an array of texts, one array of token ids, or an array of such arrays (OpenAI's four forms). */
function parseInput(input: unknown, settings: Config): { inputs: Input[]; single: boolean } {
  if (input === undefined || input === null) throw invalid('input', 'input is required: a string or an array of strings');
  if (typeof input === 'string') return { inputs: [requireText(input, 'input')], single: true };
  if (!Array.isArray(input)) throw invalid('input', 'input must be a string, an array of strings, or token ids');
  if (input.length === 0) throw invalid('input', 'input is empty; send at least one text');
  if (isTokenIds(input)) {
    checkTokenIds(input, 'input', settings.openai.maxTokenIdsPerInput);
    return { inputs: [input], single: true };
  }
  checkInputCount(input.length, 'input', settings.limits);
  const inputs = input.map((value, i) => {
    const field = `input[${i}]`;
    if (Array.isArray(value)) {
      if (value.length === 0) throw invalid(field, `${field} is empty; send at least one token id`);
      if (!isTokenIds(value)) throw invalid(field, `${field} must be a string or an array of token ids (integers)`);
      checkTokenIds(value, field, settings.openai.maxTokenIdsPerInput);
      return value;
    }
    return requireText(value, field);
  });
  return { inputs, single: false };
}

/**
 * `resolveModel` turns the OpenAI model name into a gateway selector, or throws model_not_found.
 * Async because token ids are decoded to text first, with an encoder loaded on first use.
 */
export async function parseOpenAIRequest(body: Json, settings: Config, resolveModel: (name: string) => string): Promise<OpenAIEmbeddingsRequest> {
  rejectUnknownFields(body, FIELDS);
  const { inputs, single } = parseInput(body.input, settings);
  const fieldOf = (i: number) => (i < 0 || single ? 'input' : `input[${i}]`);
  const name = optionalString(body, 'model');
  if (name === undefined) throw invalid('model', 'model is required, e.g. "text-embedding-3-small"');
  if (name.trim() === '') throw invalid('model', 'model is empty');
  const dimensions = optionalInt(body, 'dimensions', 1, 100_000);
  const encoding = optionalEnum(body, 'encoding_format', ['float', 'base64'] as const, 'float');
  // Accepted for compatibility; it is the caller's end-user id, so it is neither used nor logged.
  optionalString(body, 'user');
  const model = resolveModel(name);
  const texts = await textsOf(inputs, name, fieldOf);
  checkTextLimits(texts, fieldOf, settings.limits);
  const items: RequestItem[] = texts.map((text, index) => ({ index, text }));
  return {
    request: {
      items,
      task: settings.defaultTask,
      dimensions,
      // OpenAI refuses texts past its 8k context; the bundled model reads 512 tokens, so cutting
      // (as /embed does by default) keeps apps sized for OpenAI working. usage says what was read.
      truncate: true,
      longText: 'truncate',
      model,
      fallback: true,
      encoding,
      normalize: optionalBool(body, 'normalize', true),
    },
    encoding,
    single,
  };
}

/** Token ids become the text they encode, in the named OpenAI model's encoding. */
async function textsOf(inputs: Input[], model: string, fieldOf: (i: number) => string): Promise<string[]> {
  const idInputs = inputs.flatMap((input, i) => (typeof input === 'string' ? [] : [{ ids: input, field: fieldOf(i) }]));
  if (idInputs.length === 0) return inputs as string[];
  const decoded = await decodeTokenIds(idInputs, encodingFor(model));
  let next = 0;
  return inputs.map((input, i) => (typeof input === 'string' ? input : requireText(decoded[next++], fieldOf(i))));
}
