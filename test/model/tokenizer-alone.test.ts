// Counting and cutting tokens needs the tokenizer only: chunking and the local provider's
// tokenize() must never load transformers.js or onnxruntime (what made /chunk's cold start pay
// for the inference runtime). Importing either here fails the test.
import { describe, expect, it, vi } from 'vitest';
import { testGateway } from '../helpers/gateway.js';

const loaded = vi.hoisted(() => [] as string[]);
vi.mock('@huggingface/transformers', () => {
  loaded.push('@huggingface/transformers');
  throw new Error('transformers.js was loaded');
});
vi.mock('onnxruntime-node', () => {
  loaded.push('onnxruntime-node');
  throw new Error('onnxruntime-node was loaded');
});

describe('the tokenizer alone', () => {
  it('chunks, counts and tokenizes without the inference runtime', async () => {
    const gw = testGateway();
    const chunker = await gw.chunker();
    expect(chunker.chunk('我喜欢看电影。今天股市大跌！', { maxTokens: 8, overlapTokens: 0 }).map((c) => c.text)).toEqual(['我喜欢看电影。', '今天股市大跌！']);
    expect(await gw.local.tokenize('我喜欢看电影')).toEqual([101, 2769, 1599, 3614, 4692, 4510, 2512, 102]);
    expect(gw.local.ready()).toBe(false);
    expect(loaded).toEqual([]);
  });

  it('the tripwire works: embedding does load the runtime', async () => {
    const gw = testGateway({ LOCAL_WORKERS: '0' });
    await expect(gw.local.embed([{ text: '我' }], { task: 'RETRIEVAL_DOCUMENT', truncate: true })).rejects.toThrow();
    expect(loaded).toContain('@huggingface/transformers');
  });
});
