import { beforeAll, describe, expect, it } from 'vitest';
import { cosine } from '../../../shared/vectors.js';
import { testGateway } from '../../helpers/gateway.js';
import type { LocalProvider } from '../../../shared/gateway.js';

let local: LocalProvider;
const opts = { task: 'SEMANTIC_SIMILARITY' as const, truncate: true };

async function embedOne(text: string, task: typeof opts.task | 'RETRIEVAL_QUERY' = opts.task) {
  const result = await local.embed([{ text }], { ...opts, task });
  return result.vectors[0]!;
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));

beforeAll(() => {
  local = testGateway().local;
});

describe('local provider on the bundled bge-small-zh-v1.5', () => {
  it('places 我爱看电影 nearer 我喜欢看电影 than 今天股市大跌, by at least 0.1', async () => {
    const [a, b, c] = await Promise.all(['我喜欢看电影', '我爱看电影', '今天股市大跌'].map((t) => embedOne(t)));
    const near = cosine(a!.values, b!.values);
    const far = cosine(a!.values, c!.values);
    expect(near - far).toBeGreaterThanOrEqual(0.1);
  });

  it('does the same for an English pair', async () => {
    const [a, b, c] = await Promise.all(['I love watching movies', 'I enjoy watching films', 'The stock market fell sharply today'].map((t) => embedOne(t)));
    expect(cosine(a!.values, b!.values) - cosine(a!.values, c!.values)).toBeGreaterThanOrEqual(0.1);
  });

  it('returns unit vectors of 512 dims with token counts including [CLS] and [SEP]', async () => {
    const v = await embedOne('我喜欢看电影');
    expect(v.values).toHaveLength(512);
    expect(Math.hypot(...v.values)).toBeCloseTo(1, 5);
    expect(v.tokens).toBe(8);
    expect(v.truncated).toBe(false);
  });

  it('gives the same vector for the same text', async () => {
    const a = await embedOne('同一句话 the same sentence');
    const b = await embedOne('同一句话 the same sentence');
    expect(maxAbsDiff(a.values, b.values)).toBe(0);
  });

  it('gives a batch the same vectors as one-by-one calls', async () => {
    const texts = ['短', '一个稍微长一点的中文句子，用来测试填充。', 'A mixed English sentence with 中文 inside it.', 'ok'];
    const batch = await local.embed(texts.map((text) => ({ text })), opts);
    for (const [i, text] of texts.entries()) {
      const single = await embedOne(text);
      expect(maxAbsDiff(batch.vectors[i]!.values, single.values)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('gives concurrent callers their own vectors when batches coalesce', async () => {
    const texts = Array.from({ length: 24 }, (_, i) => `第${i}个请求 request number ${i} ${'字'.repeat(i)}`);
    const alone: Awaited<ReturnType<typeof embedOne>>[] = [];
    for (const text of texts) alone.push(await embedOne(text));
    const together = await Promise.all(texts.map((text) => embedOne(text)));
    together.forEach((v, i) => expect(maxAbsDiff(v.values, alone[i]!.values)).toBeLessThanOrEqual(1e-5));
  });

  it('cuts a text at 512 tokens and says so; refuses it when truncation is off', async () => {
    const long = '电影'.repeat(400);
    const cut = await embedOne(long);
    expect(cut).toMatchObject({ tokens: 512, truncated: true });
    await expect(local.embed([{ text: 'ok' }, { text: long }], { ...opts, truncate: false }))
      .rejects.toMatchObject({ type: 'invalid_request', field: 'inputs[1]' });
  });

  it('prefixes the query instruction for RETRIEVAL_QUERY only', async () => {
    const doc = await embedOne('我喜欢看电影');
    const query = await embedOne('我喜欢看电影', 'RETRIEVAL_QUERY');
    const instructed = await embedOne('为这个句子生成表示以用于检索相关文章：我喜欢看电影');
    expect(maxAbsDiff(query.values, instructed.values)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(query.values, doc.values)).toBeGreaterThan(1e-3);
    expect(query.tokens).toBeGreaterThan(doc.tokens);
  });

  it('lower-cases Latin text as the model was trained', async () => {
    const ids = await local.tokenize('Hello World');
    expect(ids).toEqual(await local.tokenize('hello world'));
    expect(ids).not.toContain(100); // [UNK]
  });

  it('says it makes its full size only (not Matryoshka-trained)', () => {
    expect(local.info()).toMatchObject({ dimensions: 512, dimensionSizes: [512] });
  });
});
