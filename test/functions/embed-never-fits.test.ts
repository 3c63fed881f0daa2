// Probe: /embed of 20 x 199k characters with long_text "chunk" makes more chunks than the local
// queue holds (LOCAL_MAX_QUEUED_TEXTS): it was a 429 with retry-after forever, though waiting
// could never help. Now a request that can never fit is a 413 naming the limit, and a 429 means
// the queue is busy now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestServer } from '../helpers/server.js';
import { randomWords } from '../helpers/texts.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ LOCAL_MAX_QUEUED_TEXTS: '512', CACHE_L1_BYTES: '0' });
});
afterAll(() => server.close());

describe('a request that could never fit the local queue', () => {
  it('is a 413 naming LOCAL_MAX_QUEUED_TEXTS, not a 429', async () => {
    // 20 texts of ~199k characters of 9-letter words: about 90k tokens each, 180 chunks each.
    const inputs = Array.from({ length: 20 }, (_, i) => randomWords(19_900, 9, i + 1));
    const res = await postJson(`${server.url}/embed`, { inputs, long_text: 'chunk' });
    expect(res.status).toBe(413);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.json.error).toMatchObject({ type: 'too_large', field: 'inputs' });
    expect(res.json.error.message).toMatch(/queues at most 512 \(LOCAL_MAX_QUEUED_TEXTS\)/);
  });

  it('is a 413 before any work when the inputs alone exceed the queue', async () => {
    const res = await postJson(`${server.url}/embed`, { inputs: Array.from({ length: 600 }, (_, i) => `短文本 ${i}`) });
    expect(res.status).toBe(413);
    expect(res.json.error.message).toMatch(/LOCAL_MAX_QUEUED_TEXTS/);
    expect((await postJson(`${server.url}/embed`, { inputs: ['我喜欢看电影'] })).status).toBe(200);
  });
});
