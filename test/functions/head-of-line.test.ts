// Probe: a one-text /embed sent 1 s after a 200 x 512-token request took 14.6 s (idle: 6 ms):
// a lane took the whole pending queue as one window. Lanes now take bounded windows round-robin
// across requests, so the small request is answered long before the big one; and a request
// whose deadline passes is answered 504 at once, its queued texts leaving the queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestServer } from '../helpers/server.js';
import { cjkText } from '../helpers/texts.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ CACHE_L1_BYTES: '0', REQUEST_TIMEOUT_MS: '600000' });
  expect((await fetch(`${server.url}/healthz?load=1`)).status).toBe(200);
});
afterAll(() => server.close());

describe('a short request behind a big one', () => {
  it('is answered while the big request is still being embedded', async () => {
    const big = Array.from({ length: 200 }, (_, i) => cjkText(520, 200 + i));
    let bigDone = false;
    const caller = new AbortController();
    const bigRequest = fetch(`${server.url}/embed`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: big }), signal: caller.signal,
    }).finally(() => { bigDone = true; });
    bigRequest.catch(() => undefined);
    // The small request comes once the big one's texts wait in the queue (not after a fixed head start).
    for (let i = 0; i < 600 && !bigDone && ((await server.gateway.local.health()).queued as number) <= 100; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await server.gateway.local.health()).queued).toBeGreaterThan(100);
    const small = await postJson(`${server.url}/embed`, { inputs: ['我喜欢看电影'] });
    expect(small.status).toBe(200);
    expect(bigDone).toBe(false);
    // Most of the big request was still waiting when the small one was answered.
    expect((await server.gateway.local.health()).queued).toBeGreaterThan(100);
    // The big caller gives up: its texts leave the queue, and the instance is free again.
    caller.abort();
    await expect(bigRequest).rejects.toThrow();
    for (let i = 0; i < 50 && ((await server.gateway.local.health()).queued as number) > 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await server.gateway.local.health()).queued).toBeLessThanOrEqual(2);
  });
});
