// The native API, POST /embed (DESIGN.md): its body parsed into the gateway's EmbedRequest, and
// its response written.
import type { Response } from '@google-cloud/functions-framework';
import type { Config } from '../config.js';
import { invalid } from '../errors.js';
import { taskTypes } from '../providers/types.js';
import { toBase64 } from '../vectors.js';
import { checkInputCount, checkTextLimits, type EmbedRequest, type Encoding, type RequestItem } from '../embedding/request.js';
import type { EmbeddedItem, EmbedOutcome } from '../embedding/service.js';
import { valuesJson } from '../embedding/values-json.js';
import { isObject, optionalBool, optionalEnum, optionalInt, optionalString, rejectUnknownFields, requireText, type Json } from './validate.js';

const FIELDS = ['inputs', 'task', 'dimensions', 'truncate', 'long_text', 'model', 'fallback', 'encoding', 'normalize'] as const;
const ITEM_FIELDS = ['id', 'text', 'title'] as const;

function parseItem(value: unknown, index: number): RequestItem {
  const field = `inputs[${index}]`;
  if (typeof value === 'string') return { index, text: requireText(value, field) };
  if (!isObject(value)) throw invalid(field, `${field} must be a string or an object with "text"`);
  rejectUnknownFields(value, ITEM_FIELDS, `${field}.`);
  const text = requireText(value.text, `${field}.text`);
  const id = optionalString(value, 'id', `${field}.`);
  const title = optionalString(value, 'title', `${field}.`);
  return { index, text, ...(id !== undefined ? { id } : {}), ...(title !== undefined ? { title } : {}) };
}

export function parseEmbedRequest(body: Json, settings: Config): EmbedRequest {
  rejectUnknownFields(body, FIELDS);
  const inputs = body.inputs;
  if (inputs === undefined || inputs === null) throw invalid('inputs', 'inputs is required: an array of texts');
  if (!Array.isArray(inputs)) throw invalid('inputs', 'inputs must be an array of texts');
  if (inputs.length === 0) throw invalid('inputs', 'inputs is empty; send at least one text');
  checkInputCount(inputs.length, 'inputs', settings.limits);
  const items = inputs.map(parseItem);
  checkTextLimits(items.map((item) => item.text), (i) => (i < 0 ? 'inputs' : typeof inputs[i] === 'string' ? `inputs[${i}]` : `inputs[${i}].text`), settings.limits);
  const model = optionalString(body, 'model') ?? 'auto';
  if (model.trim() === '') throw invalid('model', 'model is empty; use auto, vertex, local or a model id');
  return {
    items,
    task: optionalEnum(body, 'task', taskTypes, settings.defaultTask),
    dimensions: optionalInt(body, 'dimensions', 1, 100_000),
    truncate: optionalBool(body, 'truncate', true),
    longText: optionalEnum(body, 'long_text', ['truncate', 'chunk', 'pool'] as const, 'truncate'),
    model,
    fallback: optionalBool(body, 'fallback', true),
    encoding: optionalEnum(body, 'encoding', ['float', 'base64'] as const, 'float'),
    normalize: optionalBool(body, 'normalize', true),
  };
}

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
