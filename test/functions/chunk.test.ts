import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestServer } from '../helpers/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => { server = await startTestServer({ MAX_TEXT_CHARS: '5000' }); });
afterAll(() => server.close());

const chunk = (body: unknown) => postJson(`${server.url}/chunk`, body);

describe('POST /chunk', () => {
  it('splits Chinese by tokens at sentence ends, with offsets and counts', async () => {
    const text = '我喜欢看电影。今天股市大跌！他说：“你好。”然后走了。';
    const res = await chunk({ text, max_tokens: 8 });
    expect(res.status).toBe(200);
    expect(res.json.model).toMatch(/^bge-small-zh-v1\.5@/);
    expect(res.json).toMatchObject({ max_tokens: 8, overlap_tokens: 0 });
    expect(res.json.chunks).toEqual([
      { index: 0, text: '我喜欢看电影。', start: 0, end: 7, tokens: 7 },
      { index: 1, text: '今天股市大跌！', start: 7, end: 14, tokens: 7 },
      { index: 2, text: '他说：“你好。”', start: 14, end: 22, tokens: 8 },
      { index: 3, text: '然后走了。', start: 22, end: 27, tokens: 5 },
    ]);
  });

  it('defaults max_tokens to the bundled model limit without its special tokens', async () => {
    const res = await chunk({ text: 'short text' });
    expect(res.json).toMatchObject({ max_tokens: 510, chunks: [{ index: 0, text: 'short text', start: 0, end: 10 }] });
  });

  it('keeps the invariants over HTTP on random mixed text', async () => {
    const unit = fc.constantFrom('我', '爱', '电', '影', '。', '，', 'movie', ' ', '\n\n', 'token', '😀', '!', 'x');
    await fc.assert(fc.asyncProperty(fc.array(unit, { minLength: 1, maxLength: 80 }).map((p) => p.join('')).filter((t) => t.trim() !== ''),
      fc.integer({ min: 2, max: 20 }), async (text, max) => {
        const overlap = Math.floor(max / 3);
        const res = await chunk({ text, max_tokens: max, overlap_tokens: overlap });
        expect(res.status).toBe(200);
        let last = -1;
        for (const c of res.json.chunks) {
          expect(text.slice(c.start, c.end)).toBe(c.text);
          expect(c.tokens).toBeLessThanOrEqual(max);
          expect(c.start).toBeGreaterThan(last);
          last = c.start;
        }
      }), { numRuns: 30 });
  });

  it.each([
    ['overlap equal to the size', { text: 'abc', max_tokens: 4, overlap_tokens: 4 }, 'overlap_tokens'],
    ['overlap above the size', { text: 'abc', max_tokens: 4, overlap_tokens: 9 }, 'overlap_tokens'],
    ['size below 1', { text: 'abc', max_tokens: 0 }, 'max_tokens'],
    ['negative size', { text: 'abc', max_tokens: -5 }, 'max_tokens'],
    ['fractional size', { text: 'abc', max_tokens: 2.5 }, 'max_tokens'],
    ['size as a string', { text: 'abc', max_tokens: '10' }, 'max_tokens'],
    ['negative overlap', { text: 'abc', overlap_tokens: -1 }, 'overlap_tokens'],
    ['missing text', { max_tokens: 10 }, 'text'],
    ['whitespace-only text', { text: ' \n ' }, 'text'],
    ['unknown field', { text: 'abc', chunk_size: 10 }, 'chunk_size'],
  ])('refuses %s with a 400 naming the field', async (_name, body, field) => {
    const res = await chunk(body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request', field });
  });

  it('refuses text past the character limit with 413', async () => {
    const res = await chunk({ text: '长'.repeat(5001) });
    expect(res.status).toBe(413);
    expect(res.json.error.field).toBe('text');
  });
});
