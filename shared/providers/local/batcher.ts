// Coalesces concurrent callers' texts into shared inference batches. Texts are sorted by token
// length before packing, so a batch pads to a length close to its longest text. The queue is
// bounded: past the bound a caller is told to come back (429) at once instead of waiting.
import { GatewayError } from '../../errors.js';

export type RunBatch = (sequences: number[][]) => Promise<Float32Array[]>;

export interface BatcherOptions {
  maxBatchSize: number;
  /** Padded tokens per batch: texts × longest text. */
  maxBatchTokens: number;
  maxQueued: number;
  coalesce: boolean;
  /** Batches run at once (one per inference worker). */
  parallelism?: number;
  run: RunBatch;
}

interface Job {
  ids: number[];
  resolve: (vector: Float32Array) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
}

/**
 * Splits jobs into batches within both caps, shortest first: similar lengths share a batch (little
 * padding), and short texts are not kept waiting behind long ones (lower mean latency).
 */
export function packBatches<T extends { ids: number[] }>(jobs: T[], maxBatchSize: number, maxBatchTokens: number): T[][] {
  const sorted = [...jobs].sort((a, b) => a.ids.length - b.ids.length);
  const batches: T[][] = [];
  let current: T[] = [];
  let longest = 0;
  for (const job of sorted) {
    const width = Math.max(longest, job.ids.length);
    if (current.length > 0 && (current.length >= maxBatchSize || width * (current.length + 1) > maxBatchTokens)) {
      batches.push(current);
      current = [];
    }
    if (current.length === 0) longest = 0;
    longest = Math.max(longest, job.ids.length);
    current.push(job);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export interface Batcher {
  submit(sequences: number[][], signal?: AbortSignal): Promise<Float32Array[]>;
  /** Texts waiting or being embedded. */
  load(): number;
}

export function createBatcher(options: BatcherOptions): Batcher {
  const pending: Job[] = [];
  let inFlight = 0;

  async function runBatch(batch: Job[]): Promise<void> {
    const live = batch.filter((job) => !job.signal?.aborted);
    for (const job of batch) {
      if (job.signal?.aborted) {
        job.reject(job.signal.reason);
        inFlight -= 1;
      }
    }
    if (live.length === 0) return;
    try {
      const vectors = await options.run(live.map((job) => job.ids));
      live.forEach((job, i) => job.resolve(vectors[i]!));
    } catch (error) {
      for (const job of live) job.reject(error);
    } finally {
      inFlight -= live.length;
    }
  }

  async function runJobs(jobs: Job[]): Promise<void> {
    const batches = packBatches(jobs, options.maxBatchSize, options.maxBatchTokens);
    let next = 0;
    const lanes = Math.max(1, Math.min(options.parallelism ?? 1, batches.length));
    await Promise.all(Array.from({ length: lanes }, async () => {
      while (next < batches.length) await runBatch(batches[next++]!);
    }));
  }

  // Batches packed from the queue, taken by lanes (one per worker) as each finishes its last:
  // no lane waits for another's batch before it starts on newer callers' texts.
  let ready: Job[][] = [];
  let lanes = 0;
  const maxLanes = Math.max(1, options.parallelism ?? 1);

  async function lane(): Promise<void> {
    lanes++;
    try {
      for (;;) {
        if (ready.length === 0) {
          if (pending.length === 0) return;
          const window = pending.splice(0, pending.length);
          inFlight += window.length;
          ready = packBatches(window, options.maxBatchSize, options.maxBatchTokens);
        }
        await runBatch(ready.shift()!);
      }
    } finally {
      lanes--;
    }
  }

  function startLanes(): void {
    while (lanes < maxLanes && (pending.length > 0 || ready.length > 0)) void lane();
  }

  function enqueue(sequences: number[][], signal?: AbortSignal): Promise<Float32Array>[] {
    return sequences.map((ids) => new Promise<Float32Array>((resolve, reject) => pending.push({ ids, resolve, reject, signal })));
  }

  return {
    load: () => pending.length + inFlight,
    async submit(sequences, signal) {
      if (pending.length + inFlight + sequences.length > options.maxQueued) {
        throw new GatewayError('overloaded', `The local model has ${pending.length + inFlight} texts queued; try again shortly`, {
          retryAfterSeconds: 1,
        });
      }
      if (!options.coalesce) {
        // Each caller runs its own batches at once, beside the others: what code without a
        // shared queue does. Kept as the baseline the benchmark compares against.
        const jobs: Job[] = [];
        const results = sequences.map((ids) => new Promise<Float32Array>((resolve, reject) => jobs.push({ ids, resolve, reject, signal })));
        inFlight += jobs.length;
        void runJobs(jobs);
        return Promise.all(results);
      }
      const results = enqueue(sequences, signal);
      // setImmediate lets callers that arrive in the same turn join the first window.
      if (lanes < maxLanes) setImmediate(startLanes);
      return Promise.all(results);
    },
  };
}
