// One onnxruntime session per worker thread. onnxruntime-node runs `session.run` on the thread
// that calls it, so inference on the main thread would stall every other request; here it runs
// beside the event loop, and several workers use several cores for one-text-per-run inference.
// Plain JavaScript so it loads the same under tsx, vitest and an esbuild bundle.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { padSequences, poolRow } from './tensors.mjs';

const { modelFile, hidden, pooling, threads } = workerData;
const session = await ort.InferenceSession.create(modelFile, {
  executionProviders: ['cpu'],
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
});

parentPort.on('message', async ({ id, sequences }) => {
  try {
    const { ids, mask, typeIds, dims, width } = padSequences(sequences);
    const feeds = {
      input_ids: new ort.Tensor('int64', ids, dims),
      attention_mask: new ort.Tensor('int64', mask, dims),
    };
    if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', typeIds, dims);
    const output = await session.run(feeds);
    const states = output.last_hidden_state.data;
    const vectors = sequences.map((seq, b) => poolRow(states, b, width, hidden, seq.length, pooling));
    parentPort.postMessage({ id, vectors }, vectors.map((v) => v.buffer));
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});

parentPort.postMessage({ ready: true });
