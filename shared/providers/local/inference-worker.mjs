// One onnxruntime session per worker thread. onnxruntime-node runs `session.run` on the thread
// that calls it, so inference on the main thread would stall every other request; here it runs
// beside the event loop, and several workers use several cores for one-text-per-run inference.
// Plain JavaScript so it loads the same under tsx, vitest and an esbuild bundle.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

const { modelFile, hidden, pooling, threads } = workerData;
const session = await ort.InferenceSession.create(modelFile, {
  executionProviders: ['cpu'],
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
});

function pool(states, row, width, length) {
  const base = row * width * hidden;
  if (pooling === 'cls') return states.slice(base, base + hidden);
  const out = new Float32Array(hidden);
  for (let t = 0; t < length; t++) {
    for (let h = 0; h < hidden; h++) out[h] += states[base + t * hidden + h];
  }
  for (let h = 0; h < hidden; h++) out[h] /= length;
  return out;
}

parentPort.on('message', async ({ id, sequences }) => {
  try {
    const batch = sequences.length;
    const width = Math.max(...sequences.map((s) => s.length));
    const ids = new BigInt64Array(batch * width);
    const mask = new BigInt64Array(batch * width);
    sequences.forEach((seq, b) => {
      for (let t = 0; t < seq.length; t++) {
        ids[b * width + t] = BigInt(seq[t]);
        mask[b * width + t] = 1n;
      }
    });
    const dims = [batch, width];
    const feeds = {
      input_ids: new ort.Tensor('int64', ids, dims),
      attention_mask: new ort.Tensor('int64', mask, dims),
    };
    if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(batch * width), dims);
    const output = await session.run(feeds);
    const states = output.last_hidden_state.data;
    const vectors = sequences.map((seq, b) => pool(states, b, width, seq.length));
    parentPort.postMessage({ id, vectors }, vectors.map((v) => v.buffer));
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});

parentPort.postMessage({ ready: true });
