// Vertex's `:predict` body for text embeddings, parsed into the gateway's EmbedRequest:
// {"instances": [{"content", "task_type"?, "title"?}], "parameters": {"autoTruncate"?, "outputDimensionality"?}}.
import type { Config } from '../config.js';
import { taskTypes, type TaskType } from '../providers/types.js';
import type { EmbedRequest } from '../embedding/request.js';
import { checkTextLimits } from '../embedding/request.js';
import { invalid } from '../errors.js';
import { isObject, optionalBool, optionalEnum, optionalInt, optionalString, rejectUnknownFields, requireText, type Json } from '../wire/validate.js';

/** Vertex's own default when an instance names no task type. */
export const VERTEX_DEFAULT_TASK: TaskType = 'RETRIEVAL_QUERY';

// PredictRequest's own fields; the client library always sends `labels` (billing labels, ignored here).
const FIELDS = ['instances', 'parameters', 'labels'] as const;
// `fallback` and `normalize` are the gateway's extensions; Vertex clients never send them.
const PARAMETERS = ['autoTruncate', 'outputDimensionality', 'fallback', 'normalize'] as const;
const INSTANCE_FIELDS = ['content', 'task_type', 'title'] as const;

/** The model segment of `.../publishers/google/models/{model}:predict`, or null. */
export function modelFromPath(path: string): string | null {
  const match = /\/publishers\/google\/models\/([^/:]+):predict$/.exec(path);
  return match ? decodeURIComponent(match[1]!) : null;
}

export function parseVertexRequest(body: Json, model: string, settings: Config): EmbedRequest {
  rejectUnknownFields(body, FIELDS);
  const instances = body.instances;
  if (!Array.isArray(instances) || instances.length === 0) {
    throw invalid('instances', 'instances is required: a non-empty array of {"content": "..."}');
  }
  // Each instance keeps its own task type (the SDK lets callers mix them); the pipeline makes
  // one call per task type and answers in the caller's order.
  const items = instances.map((instance, index) => {
    const prefix = `instances[${index}].`;
    if (!isObject(instance)) throw invalid(`instances[${index}]`, `instances[${index}] must be an object with "content"`);
    rejectUnknownFields(instance, INSTANCE_FIELDS, prefix);
    const text = requireText(instance.content, `${prefix}content`);
    const task = optionalEnum(instance, 'task_type', taskTypes, VERTEX_DEFAULT_TASK, prefix);
    const title = optionalString(instance, 'title', prefix);
    return { index, text, task, ...(title !== undefined ? { title } : {}) };
  });
  checkTextLimits(items.map((item) => item.text), (i) => (i < 0 ? 'instances' : `instances[${i}].content`), settings.limits);

  const parameters = body.parameters ?? {};
  if (!isObject(parameters)) throw invalid('parameters', 'parameters must be an object like {"outputDimensionality": 256}');
  rejectUnknownFields(parameters, PARAMETERS, 'parameters.');
  return {
    items,
    task: items[0]!.task,
    dimensions: optionalInt(parameters, 'outputDimensionality', 1, 100_000, 'parameters.'),
    truncate: optionalBool(parameters, 'autoTruncate', true, 'parameters.'),
    longText: 'truncate',
    model,
    fallback: optionalBool(parameters, 'fallback', true, 'parameters.'),
    encoding: 'float',
    normalize: optionalBool(parameters, 'normalize', true, 'parameters.'),
  };
}
