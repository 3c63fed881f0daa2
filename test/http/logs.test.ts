// Probe: a 5 MB text/plain POST to the Pub/Sub route (the whole body once went into one ERROR
// line). No route logs a body or input text, framework-level refusals included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../helpers/logs.js';
import { postJson, startTestServer } from '../helpers/server.js';

const SECRET = '病人的诊断记录-绝密';
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ MAX_BODY_BYTES: String(8 * 1024 * 1024) });
});
afterAll(() => server.close());

const PUSH = '/projects/test-proj/topics/jobs';

describe('logs never hold the body', () => {
  it('a 5 MB text/plain POST to the Pub/Sub route is a 400 and a one-line log without it', async () => {
    const logs = captureLogs();
    const body = `${SECRET} `.repeat(Math.ceil((5 * 1024 * 1024) / 30));
    const res = await fetch(`${server.url}${PUSH}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/not a Pub\/Sub push envelope/);
    // The request line is written when the server's side of the answer closes: wait for it.
    while (logs.lines().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    logs.restore();
    expect(logs.raw()).not.toContain(SECRET);
    expect(logs.raw().length).toBeLessThan(1000);
    expect(logs.lines()).toEqual([expect.objectContaining({ severity: 'INFO', event: 'request', route: 'embedBatch', error_type: 'invalid_request', httpRequest: expect.objectContaining({ status: 400 }) })]);
    expect((await postJson(`${server.url}/embed`, { inputs: ['还在'] })).status).toBe(200);
  });

  it('nor do refusals of bodies on any route: bad JSON, wrong types, wrong media type, too large', async () => {
    const logs = captureLogs();
    const paths = ['/embed', '/chunk', '/similarity', '/v1/embeddings', '/v1/projects/p/locations/l/publishers/google/models/local:predict', PUSH];
    const bodies: [string, string][] = [
      ['application/json', `{"inputs": ["${SECRET}"`],
      ['application/json', JSON.stringify({ inputs: 12, text: 7, query: SECRET, input: { SECRET }, instances: SECRET, message: SECRET })],
      ['text/plain', SECRET.repeat(1000)],
      ['application/x-www-form-urlencoded', `inputs=${encodeURIComponent(SECRET)}`],
      ['application/json', JSON.stringify({ inputs: [SECRET.repeat(600_000)] })],
    ];
    for (const path of paths) {
      for (const [type, body] of bodies) {
        const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
        expect(res.status, `${path} ${type}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${path} ${type}`).toBeLessThan(500);
      }
    }
    logs.restore();
    expect(logs.raw()).not.toContain(SECRET);
    expect(logs.lines().filter((l) => l.severity === 'ERROR')).toEqual([]);
    expect(logs.lines().filter((l) => l.message === 'request failed')).toHaveLength(paths.length * bodies.length);
  });
});
