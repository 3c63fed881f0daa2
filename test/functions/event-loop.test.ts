// Probe: a /chunk of random 99-letter words with max_tokens 1 held the event loop for 5.9 s, and
// a 4 MB /embed for 2.2 s; /healthz stalled meanwhile. Tokenizing and chunking now give the
// event loop a turn every few milliseconds (and under truncate a long text is read only as far
// as the limit needs), so /healthz is answered while they run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestServer } from '../helpers/server.js';
import { randomWords } from '../helpers/texts.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ CACHE_L1_BYTES: '0' });
  expect((await fetch(`${server.url}/healthz?load=1`)).status).toBe(200);
});
afterAll(() => server.close());

/** Polls /healthz until `work` settles; returns how many health answers came before it did. */
async function healthAnswersDuring<T>(work: Promise<T>): Promise<{ result: T; answers: number }> {
  let settled = false;
  let answers = 0;
  const result = work.finally(() => { settled = true; });
  // Give the big request a head start so it is being worked on when the probes arrive.
  await new Promise((r) => setTimeout(r, 150));
  while (!settled) {
    const res = await fetch(`${server.url}/healthz`);
    if (!settled && res.status === 200) answers++;
    await res.arrayBuffer();
  }
  return { result: await result, answers };
}

describe('the event loop stays free', () => {
  it('answers /healthz while a /chunk of 99-letter words with max_tokens 1 runs', async () => {
    const text = randomWords(1900, 99, 11);
    const { result, answers } = await healthAnswersDuring(postJson(`${server.url}/chunk`, { text, max_tokens: 1, overlap_tokens: 0 }));
    expect(result.status).toBe(413);
    expect(result.json.error.field).toBe('max_tokens');
    expect(answers).toBeGreaterThan(0);
  });

  it('answers /healthz while a 4 MB /embed is tokenized, and cuts its long texts the same', async () => {
    const inputs = Array.from({ length: 20 }, (_, i) => randomWords(19_900, 9, 100 + i));
    const { result, answers } = await healthAnswersDuring(postJson(`${server.url}/embed`, { inputs }));
    expect(result.status).toBe(200);
    expect(result.json.embeddings).toHaveLength(20);
    for (const entry of result.json.embeddings) expect(entry).toMatchObject({ truncated: true, tokens: 512 });
    expect(answers).toBeGreaterThan(0);
    // Read only up to the limit, the vector is the one of the text cut at that point.
    const alone = await postJson(`${server.url}/embed`, { inputs: [inputs[0]!.slice(0, 6000)] });
    expect(alone.json.embeddings[0]).toMatchObject({ truncated: true, tokens: 512 });
    expect(alone.json.embeddings[0].values).toEqual(result.json.embeddings[0].values);
  });
});
