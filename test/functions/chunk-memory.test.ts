// Probe: many /chunk requests of ~200k CJK characters, each with one unique 20-letter word.
// The chunker's token-count memo used to keep a slice of each word, and V8 kept each whole
// request text alive behind it (RSS +336 MB over 600 requests, never returned). Its keys are now
// copies of short pieces only, and it is bounded in bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestServer } from '../helpers/server.js';
import { cjkText, collectGarbage, randomWords } from '../helpers/texts.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ CHUNK_MEMO_BYTES: String(4 * 1024 * 1024) });
});
afterAll(() => server.close());

const REQUESTS = 40;
const body = cjkText(199_000, 3);

describe('/chunk memory', () => {
  it('keeps no request text alive after answering', async () => {
    const send = async (i: number) => {
      // Each text is a new string (a fresh parse on the server), with its own unique word.
      const res = await postJson(`${server.url}/chunk`, { text: `${randomWords(1, 20, 1000 + i)} ${body}` });
      expect(res.status).toBe(200);
      expect(res.json.chunks.length).toBeGreaterThan(300);
    };
    await send(-1);
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < REQUESTS; i++) await send(i);
    collectGarbage();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    // Each text is 400 KB as a JS string: kept alive, 40 of them would be 16 MB of heap.
    expect(heapGrowth).toBeLessThan(8 * 1024 * 1024);
    // RSS also holds freed pages the allocator keeps; a loose bound that still catches a leak of texts.
    expect(rssGrowth).toBeLessThan(160 * 1024 * 1024);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  }, 240_000);
});
