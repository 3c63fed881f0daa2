// The bundled model's inference, run in-process: onnxruntime-node on CPU, in worker threads by
// default (see inference-worker.mjs) or through transformers.js on the main thread. Both are
// imported on first use only: a route that never embeds locally never pays for them. Token ids
// come from the model folder's tokenizer (shared/model/tokenizer.ts), which needs neither.
import type { ModelFolder } from '../../model/folder.js';
import { padSequences, poolRow } from './tensors.mjs';
import { startInferencePool, type InferencePool } from './worker-pool.js';
import { lazy } from '../../lazy.js';

export interface LocalRuntime {
  /** One pooled (not yet normalised) vector per sequence. */
  infer(sequences: number[][]): Promise<Float32Array[]>;
  /** How many inference runs can usefully be in flight at once. */
  parallelism: number;
  /** The worker pool, when inference runs in workers: its health, and a way for tests to kill a worker. */
  pool?: InferencePool;
}

export interface RuntimeOptions {
  /** Intra-op threads per session; 0 lets onnxruntime choose (1 per worker with workers). */
  threads: number;
  /** Worker threads running inference; 0 runs it on the main thread through transformers.js. */
  workers: number;
  /** Another worker module (tests: one that fails on cue); the bundled inference-worker.mjs by default. */
  workerScript?: URL;
}

const transformers = lazy(() => import('@huggingface/transformers').then((lib) => {
  lib.env.allowRemoteModels = false;
  lib.env.allowLocalModels = true;
  return lib;
}));

/** transformers.js, configured to read models from disk only: no hub at build or run time. */
function importTransformers(modelsRoot: string): Promise<typeof import('@huggingface/transformers')> {
  return transformers().then((lib) => {
    lib.env.localModelPath = modelsRoot;
    return lib;
  });
}

export async function loadLocalRuntime(folder: ModelFolder, options: RuntimeOptions): Promise<LocalRuntime> {
  if (options.workers > 0) {
    const pool = await startInferencePool(folder, { workers: options.workers, threadsPerWorker: options.threads || 1, script: options.workerScript });
    return { infer: pool.infer, parallelism: pool.size, pool };
  }
  const threads = options.threads;
  const { dirname, basename } = await import('node:path');
  const lib = await importTransformers(dirname(folder.dir) + '/');
  const model = await lib.AutoModel.from_pretrained(basename(folder.dir), {
    dtype: folder.dtype,
    device: 'cpu',
    ...(threads > 0 ? { session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 } } : {}),
  });
  const hidden = folder.dimensions;

  async function infer(sequences: number[][]): Promise<Float32Array[]> {
    const { ids, mask, typeIds, dims, width } = padSequences(sequences);
    const output = await model({
      input_ids: new lib.Tensor('int64', ids, dims),
      attention_mask: new lib.Tensor('int64', mask, dims),
      token_type_ids: new lib.Tensor('int64', typeIds, dims),
    });
    const states = output.last_hidden_state.data as Float32Array;
    return sequences.map((seq, b) => poolRow(states, b, width, hidden, seq.length, folder.pooling));
  }

  return { infer, parallelism: 1 };
}
