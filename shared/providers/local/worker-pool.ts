// Inference in worker threads: each holds its own session of the model file and takes one
// run at a time; a run goes to the least busy worker.
import type { Worker } from 'node:worker_threads';
import type { ModelFolder } from '../../model/folder.js';

export interface InferencePool {
  infer(sequences: number[][]): Promise<Float32Array[]>;
  size: number;
}

interface Pending {
  resolve: (vectors: Float32Array[]) => void;
  reject: (error: Error) => void;
}

export async function startInferencePool(folder: ModelFolder, workers: number, threadsPerWorker: number): Promise<InferencePool> {
  const { Worker } = await import('node:worker_threads');
  const path = await import('node:path');
  const modelFile = path.join(folder.dir, 'onnx', folder.dtype === 'q8' ? 'model_quantized.onnx' : 'model.onnx');
  const script = new URL('./inference-worker.mjs', import.meta.url);
  const pending = new Map<number, Pending>();
  const load = new Map<Worker, number>();
  let nextId = 0;

  const started = await Promise.all(Array.from({ length: workers }, () => new Promise<Worker>((resolve, reject) => {
    const worker = new Worker(script, { workerData: { modelFile, hidden: folder.dimensions, pooling: folder.pooling, threads: threadsPerWorker } });
    worker.once('error', reject);
    worker.once('message', () => {
      worker.off('error', reject);
      resolve(worker);
    });
  })));

  for (const worker of started) {
    load.set(worker, 0);
    worker.on('message', (message: { id: number; vectors?: Float32Array[]; error?: string }) => {
      load.set(worker, load.get(worker)! - 1);
      if (load.get(worker) === 0) worker.unref();
      const entry = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) entry?.reject(new Error(`local inference failed: ${message.error}`));
      else entry?.resolve(message.vectors!);
    });
    worker.on('error', (error) => {
      for (const entry of pending.values()) entry.reject(error);
      pending.clear();
    });
    // An idle worker must not keep a finished process (a test, a CLI, a bench) alive; a busy one
    // must, or the process could exit while awaiting its answer. Unref'd after the listeners,
    // which take a reference of their own.
    worker.unref();
  }

  return {
    size: started.length,
    infer(sequences) {
      const worker = [...load.entries()].sort((a, b) => a[1] - b[1])[0]![0];
      if (load.get(worker) === 0) worker.ref();
      load.set(worker, load.get(worker)! + 1);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, sequences });
      });
    },
  };
}
