// The normalized embedding request every route produces from its own wire format, and the
// parser for the native `/embed` body.
import type { Config } from '../config.js';
import { taskTypes, type TaskType } from '../providers/types.js';
import { invalid, tooLarge } from '../errors.js';
import { isObject, optionalBool, optionalEnum, optionalInt, optionalString, rejectUnknownFields, requireText, type Json } from '../http/validate.js';

export type LongText = 'truncate' | 'chunk' | 'pool';
export type Encoding = 'float' | 'base64';

export interface RequestItem {
  index: number;
  id?: string;
  text: string;
  title?: string;
  /** This item's own task, where a wire format has one per input (Vertex instances). */
  task?: TaskType;
}

export interface EmbedRequest {
  items: RequestItem[];
  task: TaskType;
  dimensions?: number;
  truncate: boolean;
  longText: LongText;
  /** "auto", "vertex", "local" or a model id. */
  model: string;
  fallback: boolean;
  encoding: Encoding;
  /** Unit-length vectors (the default, also when absent); false: as the model made them. */
  normalize?: boolean;
}

const FIELDS = ['inputs', 'task', 'dimensions', 'truncate', 'long_text', 'model', 'fallback', 'encoding', 'normalize'] as const;
const ITEM_FIELDS = ['id', 'text', 'title'] as const;

/** The limit on texts per request; routes call it before validating each text of a long list. */
export function checkInputCount(count: number, field: string, { maxInputs }: Config['limits']): void {
  if (count > maxInputs) throw tooLarge(field, `At most ${maxInputs} inputs per request; got ${count}`);
}

/** Shared limits on a list of texts, whichever route it came from. */
export function checkTextLimits(texts: string[], field: (i: number) => string, limits: Config['limits']): void {
  checkInputCount(texts.length, field(-1), limits);
  const { maxTextChars } = limits;
  texts.forEach((text, i) => {
    if (text.length > maxTextChars) throw tooLarge(field(i), `${field(i)} has ${text.length} characters; the limit is ${maxTextChars}`);
  });
}

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
