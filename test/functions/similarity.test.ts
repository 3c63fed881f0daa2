import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosine } from '../../shared/vectors.js';
import { postJson, startTestServer } from '../helpers/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => { server = await startTestServer(); });
afterAll(() => server.close());

const similarity = (body: unknown) => postJson(`${server.url}/similarity`, body);

describe('POST /similarity', () => {
  it('ranks 我爱看电影 above 今天股市大跌 for 我喜欢看电影, naming the model', async () => {
    const res = await similarity({ query: '我喜欢看电影', texts: ['今天股市大跌', '我爱看电影'] });
    expect(res.status).toBe(200);
    expect(res.json.model).toMatch(/^bge-small-zh-v1\.5@/);
    expect(res.headers.get('x-embedding-model')).toBe(res.json.model);
    expect(res.json).toMatchObject({ provider: 'local', fallback: { used: false } });
    expect(res.json.scores.map((s: any) => s.text)).toEqual(['我爱看电影', '今天股市大跌']);
    expect(res.json.scores.map((s: any) => s.index)).toEqual([1, 0]);
    expect(res.json.scores[0].score).toBeGreaterThan(res.json.scores[1].score + 0.1);
  });

  it('scores are the cosine of the vectors /embed returns for the same task', async () => {
    const texts = ['I love movies', '股市'];
    const [sim, emb] = await Promise.all([
      similarity({ query: '电影', texts }),
      postJson(`${server.url}/embed`, { inputs: ['电影', ...texts], task: 'SEMANTIC_SIMILARITY' }),
    ]);
    const [q, ...rest] = emb.json.embeddings.map((e: any) => e.values);
    for (const s of sim.json.scores) expect(s.score).toBeCloseTo(cosine(q, rest[s.index]), 6);
  });

  it.each([
    ['missing query', { texts: ['a'] }, 'query'],
    ['empty query', { query: ' ', texts: ['a'] }, 'query'],
    ['texts not an array', { query: 'a', texts: 'b' }, 'texts'],
    ['empty texts', { query: 'a', texts: [] }, 'texts'],
    ['a text that is not a string', { query: 'a', texts: ['b', 3] }, 'texts[1]'],
    ['chunked long text', { query: 'a', texts: ['b'], long_text: 'chunk' }, 'long_text'],
    ['unknown field', { query: 'a', texts: ['b'], documents: [] }, 'documents'],
  ])('refuses %s with a 400 naming the field', async (_name, body, field) => {
    const res = await similarity(body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request', field });
  });
});
