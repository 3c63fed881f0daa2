// Vertex AI batch prediction's output format for text embeddings, written under a job's
// output_uri_prefix: one JSONL file per (shard, model), lines of {"instance", "predictions",
// "status"}. File names follow from the job, shard and model alone, so a redelivered shard
// rewrites the same object with the same lines: exactly once, by construction.
import { storageClient } from './gcs.js';
import type { ShardOutcome } from './embed-shard.js';
import type { BatchJob, GcsObject } from '../wire/batch-job.js';

export interface VertexOutputLine {
  instance: unknown;
  predictions: { embeddings: { values: number[]; statistics: { token_count: number; truncated: boolean } }; gateway?: { model: string; fallback: string } }[];
  /** Empty on success; the error otherwise, as Vertex reports a failed instance. */
  status: string;
}

const slug = (model: string) => model.replace(/[^A-Za-z0-9._-]+/g, '-');

/** gs://bucket/<prefix>prediction-<job_id>-<model>/predictions_00001.jsonl, Vertex's layout. */
export function outputObjectName(prefix: GcsObject, jobId: string, model: string, shard: number): string {
  return `${prefix.name}prediction-${jobId}-${slug(model)}/predictions_${String(shard + 1).padStart(5, '0')}.jsonl`;
}

export function vertexLines(outcome: ShardOutcome, modelIndex: number, instances: Map<number, unknown>): VertexOutputLine[] {
  const m = outcome.perModel[modelIndex]!;
  return outcome.input.map((item) => {
    const instance = instances.get(item.index) ?? { content: item.text, ...(item.title !== undefined ? { title: item.title } : {}) };
    const error = outcome.errors.get(item.index);
    const vector = error ? undefined : m.vectors.get(item.index);
    if (!vector) return { instance, predictions: [], status: error ? `${error.type}: ${error.message}` : 'internal: no vector was made' };
    return {
      instance,
      predictions: [{
        embeddings: { values: Array.from(vector.values), statistics: { token_count: vector.tokens, truncated: vector.truncated } },
        // A vector from another model than the folder's is never silent.
        ...(vector.fallbackReason !== null ? { gateway: { model: vector.model, fallback: vector.fallbackReason } } : {}),
      }],
      status: '',
    };
  });
}

/**
 * A shard whose byte range of the input could not be read: its file per model holds one failed
 * line whose instance names the range (the lines in it are unknown), so the folder still shows
 * every part of the input and what became of it.
 */
export function unreadLine(input: GcsObject, range: { start: number; end: number }, error: { type: string; message: string }): VertexOutputLine {
  return { instance: { input_uri: `gs://${input.bucket}/${input.name}`, byte_range: [range.start, range.end] }, predictions: [], status: `${error.type}: ${error.message}` };
}

async function save(emulatorHost: string | null, job: BatchJob, shard: number, model: string, lines: VertexOutputLine[]): Promise<void> {
  const storage = await storageClient(emulatorHost);
  const prefix = job.outputPrefix!;
  const body = Buffer.from(lines.map((line) => `${JSON.stringify(line)}\n`).join(''), 'utf8');
  // A shard's file is megabytes of floats: Cloud Storage advises resumable uploads past ~5 MB
  // (a 10 MB single-request upload also broke the emulator's connection).
  await storage.bucket(prefix.bucket).file(outputObjectName(prefix, job.jobId, model, shard)).save(body, {
    resumable: body.length > 5 * 1024 * 1024, contentType: 'application/jsonl', validation: false,
  });
}

export async function writeVertexUnread(emulatorHost: string | null, job: BatchJob, shard: number, models: string[], line: VertexOutputLine): Promise<void> {
  await Promise.all(models.map((model) => save(emulatorHost, job, shard, model, [line])));
}

export async function writeVertexShard(emulatorHost: string | null, job: BatchJob, shard: number, outcome: ShardOutcome, instances: Map<number, unknown>): Promise<void> {
  await Promise.all(outcome.perModel.map((m, modelIndex) => save(emulatorHost, job, shard, m.model, vertexLines(outcome, modelIndex, instances))));
}
