import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('GET /healthz', () => {
  it('reports the embedded default with the model not yet loaded, then loaded on ?load=1', async () => {
    const before = await (await fetch(`${server.url}/healthz`)).json();
    expect(before).toMatchObject({ status: 'ok', mode: 'local', vertex: { configured: false }, local: { loaded: false } });
    const warmed = await fetch(`${server.url}/healthz?load=1`);
    expect(warmed.status).toBe(200);
    expect((await warmed.json()).local.loaded).toBe(true);
  });

  it('refuses POST', async () => {
    expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});
