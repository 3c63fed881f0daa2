// Vertex's `:embedContent` (the gemini-embedding-2 family), parsed into the gateway's
// EmbedRequest and answered in EmbedContentResponse's shape, so a caller changes only its host.
// Proto3 JSON: fields in lowerCamelCase or as the proto names them (`embedContentConfig` or
// `embed_content_config`); the deprecated top-level task type, title, dimensionality and
// truncation are read too. `normalize` and `fallback` in the config are the gateway's extensions.
import type { Config } from '../config.js';
import { taskTypes } from '../providers/types.js';
import type { EmbedRequest } from '../embedding/request.js';
import { checkTextLimits } from '../embedding/request.js';
import type { EmbedOutcome } from '../embedding/service.js';
import { invalid } from '../errors.js';
import { isObject, optionalBool, optionalEnum, optionalInt, optionalString, type Json } from '../wire/validate.js';
import { VERTEX_DEFAULT_TASK } from './request.js';

const CONFIG_NAMES: Record<string, string> = {
  taskType: 'taskType', task_type: 'taskType', title: 'title', autoTruncate: 'autoTruncate', auto_truncate: 'autoTruncate',
  outputDimensionality: 'outputDimensionality', output_dimensionality: 'outputDimensionality', normalize: 'normalize', fallback: 'fallback',
};
// EmbeddingTaskType by number: Google's REST clients send enums as numbers (`enum-encoding=int`).
const TASK_NUMBERS: Record<number, string> = {
  0: 'UNSPECIFIED', 2: 'RETRIEVAL_QUERY', 3: 'RETRIEVAL_DOCUMENT', 4: 'SEMANTIC_SIMILARITY', 5: 'CLASSIFICATION',
  6: 'CLUSTERING', 7: 'QUESTION_ANSWERING', 8: 'FACT_VERIFICATION', 9: 'CODE_RETRIEVAL_QUERY',
};
const TOP_LEVEL = ['model', 'content', 'embedContentConfig', 'embed_content_config', 'taskType', 'task_type', 'title', 'autoTruncate', 'auto_truncate', 'outputDimensionality', 'output_dimensionality'];

/** The `{model}` of `.../publishers/google/models/{model}:embedContent`, or null. */
export function embedContentModelFromPath(path: string): string | null {
  const match = /\/publishers\/google\/models\/([^/:]+):embedContent$/.exec(path);
  return match ? decodeURIComponent(match[1]!) : null;
}

/** One object of the config fields in camelCase, whichever spelling and place the caller used. */
function configOf(body: Json): { config: Json; prefix: string } {
  const key = body.embedContentConfig !== undefined ? 'embedContentConfig' : 'embed_content_config';
  const raw = body[key] ?? {};
  if (!isObject(raw)) throw invalid(key, `${key} must be an object like {"taskType": "RETRIEVAL_QUERY"}`);
  const config: Json = {};
  for (const [name, value] of Object.entries(raw)) {
    const camel = CONFIG_NAMES[name];
    if (!camel) throw invalid(`${key}.${name}`, `Unknown field "${name}" in ${key}. Known fields: taskType, title, autoTruncate, outputDimensionality (and the gateway's normalize, fallback)`);
    config[camel] = value;
  }
  // The deprecated top-level fields, where the config does not set them.
  for (const name of ['taskType', 'task_type', 'title', 'autoTruncate', 'auto_truncate', 'outputDimensionality', 'output_dimensionality']) {
    if (body[name] !== undefined) config[CONFIG_NAMES[name]!] ??= body[name];
  }
  return { config, prefix: `${key}.` };
}

export function parseEmbedContentRequest(body: Json, model: string, settings: Config): EmbedRequest {
  for (const name of Object.keys(body)) {
    if (!TOP_LEVEL.includes(name)) throw invalid(name, `Unknown field "${name}". Known fields: content, embedContentConfig (and model)`);
  }
  const content = body.content;
  if (!isObject(content)) throw invalid('content', 'content is required: {"parts": [{"text": "..."}]}');
  const parts = content.parts;
  if (!Array.isArray(parts) || parts.length === 0) throw invalid('content.parts', 'content.parts must be a non-empty array of {"text": "..."}');
  const texts = parts.map((part, i) => {
    if (!isObject(part) || typeof part.text !== 'string') throw invalid(`content.parts[${i}]`, `content.parts[${i}] must be a text part, {"text": "..."}: this gateway embeds text only`);
    return part.text;
  });
  // Text parts of one content are one text, in order.
  const text = texts.join('\n');
  if (text.trim() === '') throw invalid('content.parts', 'content.parts holds no text');
  checkTextLimits([text], () => 'content.parts', settings.limits);
  const { config, prefix } = configOf(body);
  if (typeof config.taskType === 'number') config.taskType = TASK_NUMBERS[config.taskType] ?? config.taskType;
  const title = optionalString(config, 'title', prefix);
  const task = config.taskType === 'UNSPECIFIED' ? VERTEX_DEFAULT_TASK : optionalEnum(config, 'taskType', taskTypes, VERTEX_DEFAULT_TASK, prefix);
  return {
    items: [{ index: 0, text, ...(title !== undefined ? { title } : {}) }],
    task,
    dimensions: optionalInt(config, 'outputDimensionality', 1, 100_000, prefix),
    truncate: optionalBool(config, 'autoTruncate', true, prefix),
    longText: 'truncate',
    model,
    fallback: optionalBool(config, 'fallback', true, prefix),
    encoding: 'float',
    normalize: optionalBool(config, 'normalize', true, prefix),
  };
}

/** EmbedContentResponse; which model answered travels in the x-embedding-* headers (the message has no field for it). */
export function embedContentResponse(outcome: EmbedOutcome) {
  const item = outcome.items[0]!;
  return {
    embedding: { values: Array.from(item.values) },
    usageMetadata: { promptTokenCount: item.tokens, totalTokenCount: item.tokens },
    truncated: item.truncated,
  };
}
