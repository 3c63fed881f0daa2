// One onnxruntime session per worker thread, run by piscina. onnxruntime-node runs `session.run`
// on the thread that calls it, so inference on the main thread would stall every other request;
// here it runs beside the event loop, and several workers use several cores for one-text-per-run
// inference. Plain JavaScript so it loads the same under tsx, vitest and an esbuild bundle.
//
// The default export is a promise of the task handler, not top-level await: piscina loads the
// module with require() first (ESM with top-level await cannot be required), and awaits the
// promise before telling the pool the worker is ready, so a worker is ready only once its
// session is.
import { parentPort, threadId, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { padSequences, poolRow } from './tensors.mjs';

async function load() {
  const { modelFile, hidden, pooling, threads } = workerData;
  const session = await ort.InferenceSession.create(modelFile, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  // The pool counts a worker as serving from this message on (see worker-pool.ts).
  parentPort.postMessage({ loaded: threadId });

  // An inference error is returned, not thrown: a rejected run then always means the worker
  // itself failed (exited, crashed), which the pool retries on another worker.
  return async function infer(sequences) {
    try {
      const { ids, mask, typeIds, dims, width } = padSequences(sequences);
      const feeds = {
        input_ids: new ort.Tensor('int64', ids, dims),
        attention_mask: new ort.Tensor('int64', mask, dims),
      };
      if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', typeIds, dims);
      const output = await session.run(feeds);
      const states = output.last_hidden_state.data;
      return { vectors: sequences.map((seq, b) => poolRow(states, b, width, hidden, seq.length, pooling)) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };
}

export default load();
