// Probe: HEAD /healthz (monitors probe with HEAD) is 200 with no body; any other method a route
// does not take is a 405 in the error shape with an Allow header, on every route.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes.js';
import { startTestServer } from '../helpers/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Raw bytes of the answer: fetch cannot show that a HEAD answer carried no body. */
function request(method: string, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const pathOf = (name: string) => routes.find((r) => r.name === name)!.path.replace(/\{[^}]+\}/g, 'x');

describe('methods', () => {
  it('HEAD /healthz is 200 with the GET headers and no body', async () => {
    const head = await request('HEAD', '/healthz');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-type']).toMatch(/^application\/json/);
    const get = await request('GET', '/healthz');
    expect(get.status).toBe(200);
    expect(JSON.parse(get.body.toString()).status).toBe('ok');
  });

  it('every route answers a method it does not take with 405 and Allow', async () => {
    const expectations: [string, string, string][] = [];
    // These take a body (POST); every other route is read with GET (pages, model lookups, health).
    const writes = new Set(['embed', 'chunk', 'similarity', 'openaiEmbeddings', 'vertexPredict', 'vertexEmbedContent', 'embedBatch']);
    for (const route of routes) {
      const read = !writes.has(route.name);
      const allow = read ? 'GET, HEAD' : 'POST';
      const refused = read ? ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] : ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
      for (const method of refused) expectations.push([pathOf(route.name), method, allow]);
    }
    for (const [path, method, allow] of expectations) {
      const res = await request(method, path);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.allow, `${method} ${path}`).toBe(allow);
      const error = JSON.parse(res.body.toString()).error;
      // The OpenAI and Vertex routes speak their own shapes; all name the refusal.
      expect(JSON.stringify(error), `${method} ${path}`).toMatch(/method_not_allowed|METHOD_NOT_ALLOWED|not allowed/);
    }
    const head = await request('HEAD', '/embed');
    expect([head.status, head.headers.allow, head.body.length]).toEqual([405, 'POST', 0]);
  });
});
