// Probe: a gzip bomb (a few hundred KB on the wire, 300 MB inflated). The body is read only
// after auth, under the route's limit counted on the inflated bytes, on the real dev server.
import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../shared/auth/api-keys.js';
import { compressedBomb, rssMb } from '../helpers/bodies.js';
import { captureLogs } from '../helpers/logs.js';
import { postJson, startTestServer } from '../helpers/server.js';

const KEY = 'f0'.repeat(32);
const LIMIT = 1024 * 1024;
const CHUNK_LIMIT = 64 * 1024;
let server: Awaited<ReturnType<typeof startTestServer>>;
let bomb: Buffer;

beforeAll(async () => {
  server = await startTestServer({
    AUTH_MODE: 'api_key', API_KEYS: `bench:${sha256Hex(KEY)}`,
    MAX_BODY_BYTES: String(LIMIT), MAX_BODY_BYTES_BY_ROUTE: `chunk=${CHUNK_LIMIT}`,
  });
  bomb = await compressedBomb(300 * 1024 * 1024);
});
afterAll(() => server.close());

function post(path: string, body: Buffer, headers: Record<string, string>) {
  return fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: new Uint8Array(body) });
}

const small = () => postJson(`${server.url}/embed`, { inputs: ['还在'] }, { 'x-api-key': KEY });

describe('a gzip bomb', () => {
  it('is small on the wire and huge inflated', () => {
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(bomb.length).toBeGreaterThan(100 * 1024);
  });

  it('without credentials is a 401 before anything is inflated', async () => {
    const logs = captureLogs();
    const before = rssMb();
    const res = await post('/embed', bomb, { 'content-encoding': 'gzip' });
    const after = rssMb();
    logs.restore();
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { type: 'unauthenticated', message: 'Missing or invalid credentials' } });
    // Inflating even the limit's worth (1 MB) is not the point: nothing of the body was read.
    expect(after - before).toBeLessThan(32);
    const failed = logs.lines().filter((l) => l.message === 'request failed');
    expect(failed).toEqual([expect.objectContaining({ route: 'embed', error_type: 'unauthenticated', httpRequest: expect.objectContaining({ status: 401 }) })]);
    expect((await small()).status).toBe(200);
  });

  it('with credentials is a 413 as soon as the inflated bytes pass the limit', async () => {
    const before = rssMb();
    const res = await post('/embed', bomb, { 'content-encoding': 'gzip', 'x-api-key': KEY });
    const after = rssMb();
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: {
      type: 'too_large', field: 'body', limit_bytes: LIMIT,
      message: `The body is larger than ${LIMIT} bytes (inflated size included); send less per request`,
    } });
    // 300 MB inflated (2 GB of parsing before) now costs at most the limit and a zlib window.
    expect(after - before).toBeLessThan(64);
    expect((await small()).status).toBe(200);
  });

  it('is refused the same way as deflate, and in the OpenAI and Vertex shapes on their routes', async () => {
    const deflated = await compressedBomb(20 * 1024 * 1024, 'deflate');
    expect((await post('/embed', deflated, { 'content-encoding': 'deflate', 'x-api-key': KEY })).status).toBe(413);
    const openai = await post('/v1/embeddings', bomb, { 'content-encoding': 'gzip', 'x-api-key': KEY });
    expect(openai.status).toBe(413);
    expect((await openai.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'too_large', param: 'body' });
    const vertex = await post('/v1/projects/p/locations/l/publishers/google/models/local:predict', bomb, { 'content-encoding': 'gzip', 'x-api-key': KEY });
    expect(vertex.status).toBe(413);
    expect((await vertex.json()).error).toMatchObject({ code: 413, type: 'too_large' });
  });
});

describe('the body limit', () => {
  it('takes a compressed body under the limit, inflated', async () => {
    const body = zlib.gzipSync(JSON.stringify({ inputs: ['压缩的请求'] }));
    const res = await post('/embed', body, { 'content-encoding': 'gzip', 'x-api-key': KEY });
    expect(res.status).toBe(200);
    expect((await res.json()).embeddings).toHaveLength(1);
  });

  it('refuses a declared length past the limit without reading it, and a chunked one while reading', async () => {
    const declared = await post('/embed', Buffer.alloc(LIMIT + 1, 0x20), { 'x-api-key': KEY });
    expect(declared.status).toBe(413);
    // No content-length: the count of bytes read is what stops it.
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${server.url}/embed`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      const piece = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 4 * LIMIT) {
          sent += piece.length;
          if (!req.write(piece)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect((await small()).status).toBe(200);
  });

  it('is per route: MAX_BODY_BYTES_BY_ROUTE gives /chunk its own', async () => {
    const text = '字'.repeat(CHUNK_LIMIT / 2);
    const chunk = await postJson(`${server.url}/chunk`, { text }, { 'x-api-key': KEY });
    expect(chunk.status).toBe(413);
    expect(chunk.json.error.limit_bytes).toBe(CHUNK_LIMIT);
    const embed = await postJson(`${server.url}/embed`, { inputs: [text] }, { 'x-api-key': KEY });
    expect(embed.status).toBe(200);
  });

  it('refuses an unknown content-encoding and a body that is not the encoding it claims', async () => {
    const br = await post('/embed', Buffer.from('{}'), { 'content-encoding': 'zstd-ish', 'x-api-key': KEY });
    expect(br.status).toBe(415);
    expect((await br.json()).error.field).toBe('content-encoding');
    const notGzip = await post('/embed', Buffer.from('{"inputs": ["x"]}'), { 'content-encoding': 'gzip', 'x-api-key': KEY });
    expect(notGzip.status).toBe(400);
    expect((await notGzip.json()).error.field).toBe('content-encoding');
  });
});
