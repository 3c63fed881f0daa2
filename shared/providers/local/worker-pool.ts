// Inference in worker threads, through piscina: each worker holds its own session of the model
// file and takes one run at a time; a run goes to the least busy worker. piscina replaces a
// worker that exits or errors, rejects the runs it held and never hands work to a dead thread,
// and references a worker only while it is busy (an idle pool lets the process exit). On top of
// that, a run that died with its worker is retried once on another worker, and the pool counts
// what /healthz reports: workers serving, and restarts.
import type { Worker } from 'node:worker_threads';
import type { ModelFolder } from '../../model/folder.js';
import { GatewayError } from '../../errors.js';
import { log } from '../../log.js';

export interface PoolStats {
  /** Workers started. */
  size: number;
  /** Workers whose session is loaded and that have not exited. */
  alive: number;
  /** Workers that died and were replaced since start. */
  restarts: number;
  /** Runs that were retried because their worker died. */
  retried: number;
}

export interface InferencePool {
  infer(sequences: number[][]): Promise<Float32Array[]>;
  size: number;
  stats(): PoolStats;
  /** The worker threads now in the pool: for tests (terminate only an idle one; see close). */
  threads(): Worker[];
  close(): Promise<void>;
}

export interface PoolOptions {
  workers: number;
  threadsPerWorker: number;
  /** The worker module; tests inject one that fails to start or dies on cue. */
  script?: URL;
}

type Answer = { vectors: Float32Array[]; error?: undefined } | { error: string; vectors?: undefined };

export async function startInferencePool(folder: ModelFolder, options: PoolOptions): Promise<InferencePool> {
  const [{ Piscina }, path] = await Promise.all([import('piscina'), import('node:path')]);
  const modelFile = path.join(folder.dir, 'onnx', folder.dtype === 'q8' ? 'model_quantized.onnx' : 'model.onnx');
  const script = options.script ?? new URL('./inference-worker.mjs', import.meta.url);
  const loaded = new Set<number>();
  let restarts = 0;
  let retried = 0;
  let closing = false;

  const pool = new Piscina<number[][], Answer>({
    filename: script.href,
    minThreads: options.workers,
    maxThreads: options.workers,
    idleTimeout: Infinity,
    concurrentTasksPerWorker: 1,
    // The worker's event loop must keep turning between runs (onnxruntime answers through it).
    atomics: 'disabled',
    recordTiming: false,
    workerData: { modelFile, hidden: folder.dimensions, pooling: folder.pooling, threads: options.threadsPerWorker },
  });

  // Every worker of the first generation must load its session before the pool is handed out:
  // a model that cannot load fails the runtime (and the next request tries again), not each run.
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: { loaded?: number }) => {
      if (typeof message?.loaded !== 'number') return;
      loaded.add(message.loaded);
      if (loaded.size >= options.workers) done();
    };
    const onError = (error: Error) => {
      done();
      void pool.destroy();
      reject(error);
    };
    function done(): void {
      pool.off('message', onMessage);
      pool.off('error', onError);
      resolve();
    }
    pool.on('message', onMessage);
    pool.on('error', onError);
  });

  // Runs awaiting a worker, failed at once when no worker is alive and a new one fails to start
  // (the model file vanished, memory is short): they would otherwise wait for a worker forever.
  const waiting = new Set<(error: Error) => void>();
  pool.on('message', (message: { loaded?: number }) => {
    if (typeof message?.loaded === 'number') loaded.add(message.loaded);
  });
  pool.on('workerDestroy', () => {
    if (closing) return;
    restarts++;
    log.warn('inference worker died; starting a replacement', { restarts });
  });
  // A worker that failed with no run in hand: a live one is replaced by piscina; one that failed
  // while starting is not (piscina starts another when the next run arrives).
  pool.on('error', (error: Error) => {
    log.warn('inference worker failed', { error: error.message, alive: alive() });
    if (alive() > 0) return;
    const failure = new GatewayError('upstream', `The local model's inference workers cannot start (${error.message}); try again shortly`, {
      retryAfterSeconds: 1,
      cause: error,
    });
    for (const reject of waiting) reject(failure);
    waiting.clear();
  });

  function alive(): number {
    return pool.threads.filter((worker) => worker.threadId >= 0 && loaded.has(worker.threadId)).length;
  }

  function runOnce(sequences: number[][]): Promise<Answer> {
    let reject!: (error: Error) => void;
    const cannotStart = new Promise<never>((_, r) => { reject = r; });
    waiting.add(reject);
    const run = pool.run(sequences);
    // Settled after the race was lost: nobody waits for it any more.
    run.catch(() => undefined);
    return Promise.race([run, cannotStart]).finally(() => waiting.delete(reject));
  }

  return {
    size: options.workers,
    threads: () => [...pool.threads],
    stats: () => ({ size: options.workers, alive: alive(), restarts, retried }),
    // Waits for runs in flight: terminating a thread inside onnxruntime's session.run aborts the
    // whole process (its completion throws once the thread is gone). piscina itself terminates a
    // busy worker when a run's AbortSignal fires, so runs are never given one.
    close: async () => {
      closing = true;
      await pool.close();
    },
    async infer(sequences) {
      let answer: Answer;
      try {
        answer = await runOnce(sequences);
      } catch (first) {
        if (first instanceof GatewayError) throw first;
        // The worker died holding this run (an inference error comes back as an answer): once
        // more, on whichever worker is free; piscina never picks the dead one.
        retried++;
        try {
          answer = await runOnce(sequences);
        } catch (second) {
          throw new GatewayError('upstream', 'The local model\'s inference worker failed twice on this request; try again', {
            retryAfterSeconds: 1,
            cause: second ?? first,
          });
        }
      }
      if (answer.error !== undefined) throw new Error(`local inference failed: ${answer.error}`);
      return answer.vectors;
    },
  };
}
