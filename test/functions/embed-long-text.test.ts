import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { postJson, startTestServer } from '../helpers/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => { server = await startTestServer(); });
afterAll(() => server.close());

const embed = (body: unknown) => postJson(`${server.url}/embed`, body);

const sentences = ['向量检索可以找到相似的文档。', '模型在中文语料上训练，效果很好！', 'Embeddings map text to vectors, and similar texts land close together. ', '今天股市大跌；明天也许会反弹。'];
const longText = Array.from({ length: 60 }, (_, i) => sentences[i % sentences.length] + (i % 9 === 8 ? '\n\n' : '')).join('');

describe('POST /embed with long texts', () => {
  it('truncates by default and says so', async () => {
    const res = await embed({ inputs: [longText] });
    expect(res.json.embeddings[0]).toMatchObject({ tokens: 512, truncated: true });
  });

  it('returns one vector per chunk with offsets into the text (long_text: chunk)', async () => {
    const res = await embed({ inputs: ['短文本', { id: 'doc', text: longText }], long_text: 'chunk' });
    expect(res.status).toBe(200);
    const [short, ...chunks] = res.json.embeddings;
    expect(short).toMatchObject({ index: 0, chunk: 0, start: 0, end: 3, truncated: false });
    expect(chunks.length).toBeGreaterThan(1);
    let covered = 0;
    chunks.forEach((c: any, i: number) => {
      expect(c).toMatchObject({ index: 1, id: 'doc', chunk: i, truncated: false });
      expect(c.tokens).toBeLessThanOrEqual(512);
      expect(c.values).toHaveLength(512);
      expect(c.start).toBeGreaterThanOrEqual(covered === 0 ? 0 : covered - 1);
      expect(longText.slice(covered, c.start).trim()).toBe('');
      covered = c.end;
    });
    expect(longText.slice(covered).trim()).toBe('');
    expect(res.json.usage.tokens).toBe(res.json.embeddings.reduce((s: number, e: any) => s + e.tokens, 0));

    // Each chunk vector is the vector of its text.
    const direct = await embed({ inputs: chunks.map((c: any) => longText.slice(c.start, c.end)) });
    expect(direct.json.embeddings.map((e: any) => e.values)).toEqual(chunks.map((c: any) => c.values));
    expect(direct.json.embeddings.every((e: any) => e.cached)).toBe(true);
  });

  it('pools to the token-weighted mean of the chunk vectors, L2-normalised (long_text: pool)', async () => {
    const chunked = await embed({ inputs: [longText], long_text: 'chunk' });
    const pooled = await embed({ inputs: [longText], long_text: 'pool' });
    expect(pooled.status).toBe(200);
    const chunks = chunked.json.embeddings;
    const [item] = pooled.json.embeddings;
    expect(pooled.json.embeddings).toHaveLength(1);
    expect(item).toMatchObject({ index: 0, chunks: chunks.length, tokens: chunks.reduce((s: number, c: any) => s + c.tokens, 0) });
    const byHand = new Array(512).fill(0);
    for (const c of chunks) c.values.forEach((v: number, i: number) => { byHand[i] += c.tokens * v; });
    const norm = Math.hypot(...byHand);
    byHand.forEach((v, i) => expect(item.values[i]).toBeCloseTo(v / norm, 6));
    expect(Math.hypot(...item.values)).toBeCloseTo(1, 5);
  });

  it('serves a repeated request from cache, without the model, over HTTP', async () => {
    const spy = vi.spyOn(server.gateway.local, 'embed');
    const body = { inputs: ['第一次', 'a first time'] };
    const first = await embed(body);
    const second = await embed(body);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(first.json.embeddings.map((e: any) => e.cached)).toEqual([false, false]);
    expect(second.json.embeddings.map((e: any) => e.cached)).toEqual([true, true]);
    expect(second.json.usage.cached).toBe(2);
    expect(second.json.embeddings.map((e: any) => e.values)).toEqual(first.json.embeddings.map((e: any) => e.values));
  });
});
