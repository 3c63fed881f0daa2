// Probe: 200 clients that go away mid-request, during the work and during the upload. Each is
// one info line with status 499 and no stack; no ERROR, no 500; the instance keeps answering.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../helpers/logs.js';
import { postJson, startTestServer } from '../helpers/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
  expect((await postJson(`${server.url}/embed`, { inputs: ['预热'] })).status).toBe(200);
});
afterAll(() => server.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SECRET = '离开的客户端说的秘密';

/** Opens a request and sends the start of its body; the caller hangs up later. */
function startUpload(path: string): http.ClientRequest {
  const req = http.request(`${server.url}${path}`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': '100000' } });
  req.on('error', () => undefined);
  req.write(`{"inputs": ["${SECRET}`);
  return req;
}

/** Counts the requests the server has received (a hang-up before that reaches nothing to log). */
function countRequests() {
  const counter = { seen: 0, stop: () => server.server.off('request', count) };
  const count = () => { counter.seen++; };
  server.server.on('request', count);
  return counter;
}

describe('a caller that goes away', () => {
  it('is one 499 info line per request, never an error, while the work runs', async () => {
    let seen = 0;
    const count = () => { seen++; };
    server.server.on('request', count);
    const logs = captureLogs();
    const text = `${SECRET}。`.repeat(20);
    // Each client sends its whole request, waits until the server has them all, then hangs up.
    let answered = 0;
    const clients = Array.from({ length: 200 }, (_, i) => {
      const req = http.request(`${server.url}/embed`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } });
      req.on('error', () => undefined);
      req.on('response', (res) => {
        answered++;
        res.resume();
      });
      req.end(JSON.stringify({ inputs: [`${i} ${text}`] }));
      return req;
    });
    for (let i = 0; i < 600 && seen < clients.length; i++) await sleep(50);
    await sleep(50);
    const answeredBeforeHangUp = answered;
    for (const req of clients) req.destroy();
    // Work already taken into an inference window finishes before its request notices the abort.
    for (let i = 0; i < 600 && logs.lines().filter((l) => l.route === 'embed').length < seen; i++) await sleep(100);
    logs.restore();
    server.server.off('request', count);
    expect(seen).toBe(200);
    const lines = logs.lines().filter((l) => l.route === 'embed');
    expect(lines).toHaveLength(200);
    const gone = lines.filter((l) => l.httpRequest?.status === 499);
    // A client whose answer was written before it hung up is a normal 200 line; one that had its
    // answer in hand cannot be a 499. How many finish first depends on the machine's speed.
    expect(gone.length).toBeGreaterThan(0);
    expect(lines.length - gone.length).toBeGreaterThanOrEqual(answeredBeforeHangUp);
    for (const line of gone) expect(line).toMatchObject({ severity: 'INFO', message: 'caller went away', route: 'embed' });
    expect(lines.every((l) => l.httpRequest?.status === 499 || l.httpRequest?.status === 200)).toBe(true);
    expect(logs.lines().filter((l) => l.severity === 'ERROR')).toEqual([]);
    expect(logs.raw()).not.toContain('stack');
    expect(logs.raw()).not.toContain('at ');
    expect(logs.raw()).not.toContain(SECRET);
    expect((await postJson(`${server.url}/embed`, { inputs: ['还在'] })).status).toBe(200);
  }, 120_000);

  it('is one 499 line when it leaves during the upload', async () => {
    const counter = countRequests();
    const logs = captureLogs();
    const uploads = Array.from({ length: 20 }, () => startUpload('/embed'));
    for (let i = 0; i < 600 && counter.seen < uploads.length; i++) await sleep(50);
    counter.stop();
    for (const req of uploads) req.destroy();
    for (let i = 0; i < 600 && logs.lines().filter((l) => l.httpRequest?.status === 499).length < 20; i++) await sleep(50);
    logs.restore();
    const lines = logs.lines().filter((l) => l.route === 'embed');
    expect(lines).toHaveLength(20);
    for (const line of lines) expect(line).toMatchObject({ severity: 'INFO', httpRequest: expect.objectContaining({ status: 499 }) });
    expect(logs.raw()).not.toContain(SECRET);
    expect((await postJson(`${server.url}/embed`, { inputs: ['还在'] })).status).toBe(200);
  });
});
