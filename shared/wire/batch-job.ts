// shared/wire/ is the wire layer of the gateway's own APIs: one adapter module per API (native
// /embed, /chunk, /similarity, the batch job message and its result messages) that parses its
// body into the gateway's request and writes its answer, the validation helpers every adapter
// uses, and the model headers every route returning vectors sets (openai/ and vertex-api/ are
// the adapters of those vendors' APIs).
// This one: the batch job message (DESIGN.md, Batch), parsed and validated once, so everything
// after works on a well-formed job. A violation here is permanent: redelivery cannot fix it.
import type { Config } from '../config.js';
import { taskTypes, type TaskType } from '../providers/types.js';
import { GatewayError, invalid, tooLarge } from '../errors.js';
import { isObject, optionalBool, optionalEnum, optionalInt, optionalString, rejectUnknownFields, type Json } from './validate.js';

export interface BatchItem {
  /** Position in the job: what fixes an item's shard. */
  index: number;
  id: string;
  text: string;
  title?: string;
}

export interface BatchJob {
  jobId: string;
  items: BatchItem[];
  task: TaskType;
  /** Model selectors as sent ("vertex", "local", "auto" or a model id), deduplicated, in order. */
  models: string[];
  /** Off unless the job opts in: an index must not mix models. */
  fallback: boolean;
  truncate: boolean;
  dimensions?: number;
  encoding: 'float' | 'base64';
  /** shards: a message per shard; rows: a message per (item, model), the BigQuery table's rows. */
  output: 'shards' | 'rows';
  /** Items are read from this Cloud Storage JSONL file instead of `items` (then empty). */
  input?: GcsObject;
  /** Vertex batch prediction's output JSONL is written under this prefix instead of messages. */
  outputPrefix?: GcsObject;
}

export interface GcsObject {
  bucket: string;
  /** Object name, or the name prefix for an output. */
  name: string;
}

// Job ids travel as Pub/Sub attributes and Firestore document ids: keep them short and plain.
export const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/;
const MAX_ITEM_ID_CHARS = 512;
const FIELDS = ['job_id', 'items', 'input_uri', 'output', 'output_uri_prefix', 'task', 'models', 'fallback', 'truncate', 'dimensions', 'encoding'] as const;
// Bucket names: 3-222 characters of lowercase letters, digits, - _ . (Cloud Storage's rule).
const GS_URI = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:\/(.*))?$/;
const ITEM_FIELDS = ['id', 'text', 'title'] as const;

export class JobRejected extends GatewayError {
  constructor(readonly jobId: string | undefined, cause: GatewayError) {
    super(cause.kind, cause.message, { field: cause.field, cause });
  }
}

/** The job id of a message that is otherwise malformed, when one can be read, for its error result. */
export function salvageJobId(body: unknown): string | undefined {
  return isObject(body) && typeof body.job_id === 'string' && JOB_ID.test(body.job_id) ? body.job_id : undefined;
}

function parseItem(value: unknown, index: number, seen: Map<string, number>): BatchItem {
  const field = `items[${index}]`;
  if (!isObject(value)) throw invalid(field, `${field} must be an object with "id" and "text"`);
  rejectUnknownFields(value, ITEM_FIELDS, `${field}.`);
  const id = value.id;
  if (typeof id !== 'string' || id === '') throw invalid(`${field}.id`, `${field}.id must be a non-empty string`);
  if (id.length > MAX_ITEM_ID_CHARS) throw invalid(`${field}.id`, `${field}.id has more than ${MAX_ITEM_ID_CHARS} characters`);
  const earlier = seen.get(id);
  // Subscribers deduplicate on (job_id, item id): two items with one id could not both arrive.
  if (earlier !== undefined) throw invalid(`${field}.id`, `${field}.id repeats items[${earlier}].id; ids must be unique within a job`);
  seen.set(id, index);
  // Text problems (empty, too long) belong to the item alone, so they are checked when embedding.
  if (typeof value.text !== 'string') throw invalid(`${field}.text`, `${field}.text must be a string`);
  const title = optionalString(value, 'title', `${field}.`);
  return { index, id, text: value.text, ...(title !== undefined ? { title } : {}) };
}

function parseModels(body: Json): string[] {
  const models = body.models;
  if (models === undefined || models === null) return ['auto'];
  if (!Array.isArray(models) || models.length === 0) throw invalid('models', 'models must be a non-empty array such as ["vertex", "local"]');
  models.forEach((m, i) => {
    if (typeof m !== 'string' || m.trim() === '') throw invalid(`models[${i}]`, `models[${i}] must be a model selector: auto, vertex, local or a model id`);
  });
  return [...new Set(models as string[])];
}

function gsUri(body: Json, field: string, prefix: boolean): GcsObject | undefined {
  const value = optionalString(body, field);
  if (value === undefined) return undefined;
  const match = value.match(GS_URI);
  const name = match?.[2] ?? '';
  if (!match || (!prefix && name === '')) {
    throw invalid(field, `${field} must be gs://<bucket>/${prefix ? '<prefix>' : '<object>.jsonl'}`);
  }
  // A prefix names a folder: results go beneath it, so it ends with one slash.
  return { bucket: match[1]!, name: prefix && name !== '' ? name.replace(/\/*$/, '/') : name };
}

export function parseJob(data: Buffer | string, settings: Config): BatchJob {
  let body: unknown;
  try {
    body = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    throw new JobRejected(undefined, invalid('body', 'The job message is not valid JSON'));
  }
  const jobId = salvageJobId(body);
  try {
    return parseBody(body, settings);
  } catch (error) {
    if (error instanceof GatewayError) throw new JobRejected(jobId, error);
    throw error;
  }
}

function parseBody(body: unknown, settings: Config): BatchJob {
  if (!isObject(body)) throw invalid('body', 'The job message must be a JSON object');
  rejectUnknownFields(body, FIELDS);
  const jobId = body.job_id;
  if (typeof jobId !== 'string' || !JOB_ID.test(jobId)) {
    throw invalid('job_id', 'job_id must be 1-200 characters of letters, digits and . _ : @ -, starting with a letter or digit');
  }
  const input = gsUri(body, 'input_uri', false);
  const outputPrefix = gsUri(body, 'output_uri_prefix', true);
  const items = input ? [] : body.items;
  if (input && body.items !== undefined) throw invalid('items', 'A job takes items or input_uri, not both');
  if (!Array.isArray(items) || (!input && items.length === 0)) throw invalid('items', 'items must be a non-empty array of {"id", "text"} (or name an input_uri)');
  const { maxItems } = settings.batch;
  if (items.length > maxItems) throw tooLarge('items', `At most ${maxItems} items per job; got ${items.length}. Split the job`);
  const seen = new Map<string, number>();
  const dimensions = optionalInt(body, 'dimensions', 1, 100_000);
  return {
    jobId,
    items: items.map((item, i) => parseItem(item, i, seen)),
    output: optionalEnum(body, 'output', ['shards', 'rows'] as const, settings.batch.output),
    ...(input ? { input } : {}),
    ...(outputPrefix ? { outputPrefix } : {}),
    task: optionalEnum(body, 'task', taskTypes, settings.defaultTask),
    models: parseModels(body),
    fallback: optionalBool(body, 'fallback', false),
    truncate: optionalBool(body, 'truncate', true),
    ...(dimensions !== undefined ? { dimensions } : {}),
    encoding: optionalEnum(body, 'encoding', ['float', 'base64'] as const, 'float'),
  };
}
