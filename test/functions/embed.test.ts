import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosine } from '../../shared/vectors.js';
import { postJson, startTestServer } from '../helpers/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const MAX_INPUTS = 20;
const MAX_BODY = 4096;
const MAX_CHARS = 1000;

beforeAll(async () => {
  server = await startTestServer({ MAX_INPUTS: String(MAX_INPUTS), MAX_BODY_BYTES: String(MAX_BODY), MAX_TEXT_CHARS: String(MAX_CHARS) });
});
afterAll(() => server.close());

const embed = (body: unknown, headers?: Record<string, string>) => postJson(`${server.url}/embed`, body, headers);

describe('POST /embed', () => {
  it('embeds strings and {id, text} items on the bundled model, naming it', async () => {
    const res = await embed({ inputs: ['我喜欢看电影', { id: 'doc-1', text: '我爱看电影' }, '今天股市大跌'] });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ provider: 'local', dimensions: 512, fallback: { used: false } });
    expect(res.json.model).toMatch(/^bge-small-zh-v1\.5@/);
    expect(res.headers.get('x-embedding-model')).toBe(res.json.model);
    const [a, b, c] = res.json.embeddings;
    expect(b).toMatchObject({ index: 1, id: 'doc-1', tokens: 7, truncated: false, cached: false });
    expect(cosine(a.values, b.values)).toBeGreaterThan(cosine(a.values, c.values) + 0.1);
    expect(res.json.usage.tokens).toBe(res.json.embeddings.reduce((s: number, e: any) => s + e.tokens, 0));
  });

  it('returns base64 little-endian float32 when asked', async () => {
    const [float, b64] = await Promise.all([embed({ inputs: ['编码'] }), embed({ inputs: ['编码'], encoding: 'base64' })]);
    const bytes = Buffer.from(b64.json.embeddings[0].values, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(float.json.embeddings[0].values);
  });

  const tooMany = Array.from({ length: MAX_INPUTS + 1 }, () => 'x');
  const cases: [string, unknown, Record<string, string> | undefined, number, string, string | undefined][] = [
    ['body not JSON', '{"inputs": [', undefined, 400, 'invalid_request', 'body'],
    ['wrong content type', 'inputs=x', { 'content-type': 'text/plain' }, 415, 'unsupported_media_type', 'content-type'],
    ['JSON array body', [1, 2], undefined, 400, 'invalid_request', 'body'],
    ['inputs missing', { task: 'CLUSTERING' }, undefined, 400, 'invalid_request', 'inputs'],
    ['inputs empty', { inputs: [] }, undefined, 400, 'invalid_request', 'inputs'],
    ['inputs not an array', { inputs: 'text' }, undefined, 400, 'invalid_request', 'inputs'],
    ['inputs holding null', { inputs: ['ok', null] }, undefined, 400, 'invalid_request', 'inputs[1]'],
    ['inputs holding a number', { inputs: [42] }, undefined, 400, 'invalid_request', 'inputs[0]'],
    ['inputs holding an empty string', { inputs: ['ok', '', 'ok'] }, undefined, 400, 'invalid_request', 'inputs[1]'],
    ['item with empty text', { inputs: [{ id: 'a', text: '  ' }] }, undefined, 400, 'invalid_request', 'inputs[0].text'],
    ['item with unknown field', { inputs: [{ text: 'a', body: 'b' }] }, undefined, 400, 'invalid_request', 'inputs[0].body'],
    ['too many inputs', { inputs: tooMany }, undefined, 413, 'too_large', 'inputs'],
    ['text past the character limit', { inputs: ['ok', 'x'.repeat(MAX_CHARS + 1)] }, undefined, 413, 'too_large', 'inputs[1]'],
    ['body over the limit', { inputs: ['x'.repeat(MAX_BODY)] }, undefined, 413, 'too_large', 'body'],
    ['unknown task', { inputs: ['a'], task: 'SUMMARIZE' }, undefined, 400, 'invalid_request', 'task'],
    ['dimensions below 1', { inputs: ['a'], dimensions: 0 }, undefined, 400, 'invalid_request', 'dimensions'],
    ['dimensions not a whole number', { inputs: ['a'], dimensions: 12.5 }, undefined, 400, 'invalid_request', 'dimensions'],
    ['dimensions above the model', { inputs: ['a'], dimensions: 768 }, undefined, 400, 'invalid_request', 'dimensions'],
    ['reduced size the model lacks', { inputs: ['a'], dimensions: 256 }, undefined, 400, 'invalid_request', 'dimensions'],
    ['unknown long_text', { inputs: ['a'], long_text: 'summarize' }, undefined, 400, 'invalid_request', 'long_text'],
    ['unknown encoding', { inputs: ['a'], encoding: 'hex' }, undefined, 400, 'invalid_request', 'encoding'],
    ['fallback not a boolean', { inputs: ['a'], fallback: 'no' }, undefined, 400, 'invalid_request', 'fallback'],
    ['truncate not a boolean', { inputs: ['a'], truncate: 1 }, undefined, 400, 'invalid_request', 'truncate'],
    ['unknown model', { inputs: ['a'], model: 'gpt-9' }, undefined, 400, 'invalid_request', 'model'],
    ['vertex when not configured', { inputs: ['a'], model: 'vertex' }, undefined, 400, 'invalid_request', 'model'],
    ['unknown top-level field', { input: ['a'] }, undefined, 400, 'invalid_request', 'input'],
    ['too long with truncation off', { inputs: ['ok', '长'.repeat(600)], truncate: false }, undefined, 400, 'invalid_request', 'inputs[1]'],
  ];

  it.each(cases)('refuses %s', async (_name, body, headers, status, type, field) => {
    const res = await embed(body, headers);
    expect(res.status).toBe(status);
    expect(res.json.error.type).toBe(type);
    expect(res.json.error.field).toBe(field);
    expect(typeof res.json.error.message).toBe('string');
  });

  it('names the supported size when a reduced one is asked of bge', async () => {
    const res = await embed({ inputs: ['a'], dimensions: 256 });
    expect(res.json.error.message).toMatch(/not Matryoshka-trained.*512/);
  });

  it('answers 405 for GET, with an allow header', async () => {
    const res = await fetch(`${server.url}/embed`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await res.json()).error.type).toBe('method_not_allowed');
  });

  it('answers 404 in the error shape for an unknown path', async () => {
    const res = await fetch(`${server.url}/nowhere`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.type).toBe('not_found');
  });

  it('still serves a good request after the whole table', async () => {
    const res = await embed({ inputs: ['服务还活着'] });
    expect(res.status).toBe(200);
    expect(res.json.embeddings[0].values).toHaveLength(512);
  });
});
