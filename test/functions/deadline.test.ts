// Probe: the request deadline aborted a signal but sent no response while the pool had the
// work. Now a request past REQUEST_TIMEOUT_MS is answered 504 whatever the pool is doing, its
// queued texts leave the queue, and the next request is served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestServer } from '../helpers/server.js';
import { cjkText } from '../helpers/texts.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ CACHE_L1_BYTES: '0', REQUEST_TIMEOUT_MS: '2000' });
  expect((await fetch(`${server.url}/healthz?load=1`)).status).toBe(200);
});
afterAll(() => server.close());

describe('the request deadline', () => {
  it('ends in a 504 and frees the queue', async () => {
    const inputs = Array.from({ length: 200 }, (_, i) => cjkText(520, 500 + i));
    const res = await postJson(`${server.url}/embed`, { inputs });
    expect(res.status).toBe(504);
    expect(res.json.error.type).toBe('upstream_timeout');
    // At most the runs in flight remain; the rest left the queue with the request.
    expect((await server.gateway.local.health()).queued).toBeLessThanOrEqual(2);
    const next = await postJson(`${server.url}/embed`, { inputs: ['我喜欢看电影'] });
    expect(next.status).toBe(200);
  });
});
