// The bundled graph quantizes activations per row (scripts/model/quantize.py), so a
// text's vector must not depend on the texts it shares a run with, nor on their padding. Runs the
// graph itself (no batcher in between) in padded batches and compares with each text alone.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config.js';
import { readModelFolder } from '../../../shared/model/folder.js';
import { loadTokenizer } from '../../../shared/model/tokenizer.js';
import { loadLocalRuntime, type LocalRuntime } from '../../../shared/providers/local/runtime.js';

const maxAbsDiff = (a: Float32Array, b: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));

const texts = [
  '好', 'ok', '我喜欢看电影', 'The stock market fell sharply today.',
  '一个稍微长一点的中文句子，用来测试填充会不会改变别的句子的向量。',
  'A mixed English sentence with 中文 inside it, and some numbers 12345 and punctuation!?',
  '向量检索可以找到相似的文档。'.repeat(12),
  'cloud computing lowers operating costs; '.repeat(30),
];

let runtime: LocalRuntime;
let sequences: number[][];
let alone: Float32Array[];

beforeAll(async () => {
  const folder = readModelFolder(loadConfig({}).local.modelDir);
  runtime = await loadLocalRuntime(folder, { threads: 0, workers: 1 });
  const tokenizer = await loadTokenizer(folder.dir);
  sequences = texts.map((t) => tokenizer.encode(t));
  alone = [];
  for (const seq of sequences) alone.push((await runtime.infer([seq]))[0]!);
});

describe('the bundled graph', () => {
  it('gives every text the same vector in one padded batch as alone', async () => {
    const batch = await runtime.infer(sequences);
    batch.forEach((v, i) => expect(maxAbsDiff(v, alone[i]!), texts[i]).toBeLessThanOrEqual(1e-5));
  });

  it('does not let a long or loud batch-mate move a short text', async () => {
    const [short, ...others] = sequences;
    for (const other of others) {
      const [v] = await runtime.infer([short!, other, other]);
      expect(maxAbsDiff(v!, alone[0]!)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('gives the same vectors in any order of the batch', async () => {
    const reversed = await runtime.infer([...sequences].reverse());
    reversed.reverse().forEach((v, i) => expect(maxAbsDiff(v, alone[i]!)).toBeLessThanOrEqual(1e-5));
  });
});
