// Probe: /chunk with max_tokens 510 and overlap_tokens 509 on 190k characters answered 288 MB
// (531 times the request; RSS +721 MB). Overlap is now at most CHUNK_MAX_OVERLAP_PERCENT of
// max_tokens and chunks per request at most CHUNK_MAX_CHUNKS, so the answer stays a small
// multiple of the text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestServer } from '../helpers/server.js';
import { cjkText, collectGarbage, randomWords } from '../helpers/texts.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ CHUNK_MAX_CHUNKS: '5000' });
});
afterAll(() => server.close());

const text = cjkText(190_000, 5);

describe('/chunk answer size', () => {
  it('refuses an overlap near max_tokens with a 400 naming overlap_tokens', async () => {
    const res = await postJson(`${server.url}/chunk`, { text, max_tokens: 510, overlap_tokens: 509 });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request', field: 'overlap_tokens' });
    expect(res.json.error.message).toMatch(/at most 50% of max_tokens \(510\): 255/);
  });

  it('answers the largest overlap allowed within a few times the request', async () => {
    collectGarbage();
    const rssBefore = process.memoryUsage().rss;
    const request = JSON.stringify({ text, max_tokens: 510, overlap_tokens: 255 });
    const res = await postJson(`${server.url}/chunk`, request);
    expect(res.status).toBe(200);
    expect(res.json.overlap_tokens).toBe(255);
    // The text once, its overlaps at most once more, plus offsets: under 3x the request.
    expect(Buffer.byteLength(res.text)).toBeLessThan(3 * Buffer.byteLength(request));
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
  });

  it('refuses a text that makes more than CHUNK_MAX_CHUNKS chunks with a 413 naming max_tokens', async () => {
    const res = await postJson(`${server.url}/chunk`, { text: randomWords(9000, 20, 9), max_tokens: 2, overlap_tokens: 0 });
    expect(res.status).toBe(413);
    expect(res.json.error).toMatchObject({ type: 'too_large', field: 'max_tokens' });
    expect(res.json.error.message).toMatch(/more than 5000 chunks.*CHUNK_MAX_CHUNKS/);
    expect((await postJson(`${server.url}/chunk`, { text: '我喜欢看电影。', max_tokens: 4, overlap_tokens: 0 })).status).toBe(200);
  });
});
