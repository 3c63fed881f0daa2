// The floor every local-model bench measures against: onnxruntime-node's InferenceSession.run
// on the model file directly, with no gateway, queue or library in between.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { padSequences } from '../../shared/providers/local/tensors.mjs';

export const modelDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../models/bge-small-zh-v1.5');
export const modelFile = path.join(modelDir, 'onnx/model_quantized.onnx');

export interface RawModel {
  /** Runs the sequences as one padded batch; returns each row's CLS state. */
  run(sequences: number[][]): Promise<Float32Array[]>;
}

export async function loadRawModel(file = modelFile, hidden = 512, options: { intraOpNumThreads?: number } = {}): Promise<RawModel> {
  // Session options as transformers.js passes them on CPU (only the provider), so the floor and
  // the gateway differ in what sits around session.run, not in how onnxruntime runs the graph;
  // intraOpNumThreads: 1 runs it as one inference worker does.
  const session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'], ...options });
  return {
    async run(sequences) {
      const { ids, mask, typeIds, dims, width } = padSequences(sequences);
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor('int64', ids, dims),
        attention_mask: new ort.Tensor('int64', mask, dims),
      };
      if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', typeIds, dims);
      const output = await session.run(feeds);
      const states = output[session.outputNames[0]!]!.data as Float32Array;
      return sequences.map((_, b) => states.slice(b * width * hidden, b * width * hidden + hidden));
    },
  };
}
