// Where a job's items come from: the message itself, or a gs:// JSONL file read shard by shard.
// Either way the plan (shard boundaries, content and plan hashes) follows from the job alone.
import type { Config } from '../config.js';
import { gsUri, inputObject, parseLine, planRanges, readRange, uriContentHash } from './gcs-input.js';
import type { BatchItem, BatchJob } from '../wire/batch-job.js';
import { planShards } from './plan.js';
import type { ItemError } from '../wire/batch-results.js';

export interface ShardInput {
  input: BatchItem[];
  /** Items refused before embedding. */
  errors: Map<number, ItemError>;
  /** A gs:// line as read, by item index, for Vertex output's `instance`. */
  instances?: Map<number, unknown>;
}

export interface JobSource {
  shards: number;
  contentHash: string;
  planHash: string;
  /** Null until read: a gs:// file's line count. */
  items: number | null;
  load(shard: number): Promise<ShardInput>;
  /** A gs:// shard's byte range of the file: what a shard-level error names when it cannot be read. */
  range?(shard: number): { start: number; end: number };
}

export async function jobSource(config: Config, job: BatchJob, dimensions: number[]): Promise<JobSource> {
  if (!job.input) {
    const plan = planShards(job, { maxItems: config.batch.shardMaxItems, maxBytes: config.batch.shardMaxBytes, dimensions });
    return {
      shards: plan.shards.length, contentHash: plan.contentHash, planHash: plan.planHash, items: job.items.length,
      load: async (k) => ({ input: job.items.slice(plan.shards[k]!.start, plan.shards[k]!.end), errors: new Map() }),
    };
  }
  const { storageEmulatorHost, inputShardBytes, inputMaxBytes } = config.batch;
  const input = job.input;
  const object = await inputObject(storageEmulatorHost, input, inputMaxBytes);
  const ranges = planRanges(object.size, inputShardBytes);
  return {
    shards: ranges.length,
    contentHash: uriContentHash(job, object),
    planHash: JSON.stringify([gsUri(input), object.generation, inputShardBytes]),
    items: null,
    range: (k) => ({ start: ranges[k]!.start, end: ranges[k]!.end }),
    async load(k) {
      const lines = await readRange(storageEmulatorHost, input, object, ranges[k]!);
      const shard: ShardInput = { input: [], errors: new Map(), instances: new Map() };
      lines.forEach((bytes, i) => {
        // The byte offset is the item's index: unique in the file, and what error fields name.
        const line = parseLine(bytes, lines.offsets[i]!, lines.offsets[i]!);
        if (!line) return;
        shard.input.push(line.item);
        shard.instances!.set(line.item.index, line.instance);
        if (line.error) shard.errors.set(line.item.index, line.error);
      });
      return shard;
    },
  };
}
