// /embed with Vertex as primary: the real aiplatform client against the fake Vertex (gRPC here,
// REST in the deadline suite), the bundled model as fallback.
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeEmbedding, fakeTokens, type FakeVertex } from '../fakes/vertex-server.js';
import { captureLogs } from '../helpers/logs.js';
import { fakeVertexServer, fromBase64, maxDiff, unit } from '../helpers/vertex.js';

const MODEL = 'text-multilingual-embedding-002';

function withinCaps(fake: FakeVertex) {
  for (const call of fake.calls) {
    expect(call.instances).toBeLessThanOrEqual(250);
    expect(call.tokens).toBeLessThanOrEqual(20_000);
  }
}

describe('Vertex primary over /embed (gRPC)', () => {
  const vx = fakeVertexServer({ env: { VERTEX_CONCURRENCY: '2' } });
  const embed = (body: unknown) => vx.post('/embed', body);

  it('embeds on Vertex by default and names it', async () => {
    const res = await embed({ inputs: ['我喜欢看电影', { id: 'd', text: 'I love movies' }], task: 'SEMANTIC_SIMILARITY' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ model: MODEL, provider: 'vertex', dimensions: 768, fallback: { used: false } });
    expect(res.headers.get('x-embedding-model')).toBe(MODEL);
    expect(res.json.embeddings[1]).toMatchObject({ index: 1, id: 'd', tokens: fakeTokens('I love movies'), truncated: false });
    expect(maxDiff(res.json.embeddings[0].values, fakeEmbedding(MODEL, 'SEMANTIC_SIMILARITY', '我喜欢看电影'))).toBeLessThan(1e-6);
    expect(vx.fake.calls).toHaveLength(1);
    expect(vx.fake.calls[0]!.taskTypes).toEqual(['SEMANTIC_SIMILARITY', 'SEMANTIC_SIMILARITY']);
  });

  it('splits 600 short texts into at least 3 calls within the caps, vectors in order', async () => {
    const texts = Array.from({ length: 600 }, (_, i) => `short text number ${i}`);
    const res = await embed({ inputs: texts, encoding: 'base64' });
    expect(res.status).toBe(200);
    expect(vx.fake.calls.length).toBeGreaterThanOrEqual(3);
    withinCaps(vx.fake);
    expect(vx.fake.calls.every((c) => c.result === 'ok')).toBe(true);
    expect(vx.fake.calls.reduce((sum, c) => sum + c.instances, 0)).toBe(600);
    expect(res.json.embeddings).toHaveLength(600);
    res.json.embeddings.forEach((e: any, i: number) => {
      expect(e.index).toBe(i);
      expect(maxDiff(fromBase64(e.values), fakeEmbedding(MODEL, 'RETRIEVAL_DOCUMENT', texts[i]!))).toBeLessThan(1e-6);
    });
  });

  it('keeps at most VERTEX_CONCURRENCY calls in flight', async () => {
    vx.fake.latency(30);
    const res = await embed({ inputs: Array.from({ length: 1000 }, (_, i) => `t${i}`), encoding: 'base64', dimensions: 4 });
    expect(res.status).toBe(200);
    expect(vx.fake.calls).toHaveLength(4);
    expect(vx.fake.maxInFlight()).toBe(2);
  });

  it('lets the token cap bind before the instance cap with 1,500-token texts', async () => {
    const long = (i: number) => `${'abc '.repeat(1499)}n${i}`;
    const texts = Array.from({ length: 100 }, (_, i) => (i % 4 === 0 ? long(i) : `short ${i}`));
    expect(fakeTokens(texts[0]!)).toBe(1500);
    const res = await embed({ inputs: texts, encoding: 'base64', dimensions: 64 });
    expect(res.status).toBe(200);
    // 100 texts fit one call by count; 25 x 1,500 tokens do not fit 20,000 per call.
    expect(vx.fake.calls.length).toBeGreaterThanOrEqual(2);
    withinCaps(vx.fake);
    expect(vx.fake.calls.every((c) => c.result === 'ok')).toBe(true);
    res.json.embeddings.forEach((e: any, i: number) => {
      expect(e.tokens).toBe(fakeTokens(texts[i]!));
      expect(maxDiff(fromBase64(e.values), unit(fakeEmbedding(MODEL, 'RETRIEVAL_DOCUMENT', texts[i]!, 64)))).toBeLessThan(1e-6);
    });
  });

  it('splits and retries a call Vertex refuses with the token-limit 400', async () => {
    vx.fake.fail('token-limit', { times: 1 });
    const texts = Array.from({ length: 10 }, (_, i) => `text ${i}`);
    const res = await embed({ inputs: texts });
    expect(res.status).toBe(200);
    expect(res.json.provider).toBe('vertex');
    expect(vx.fake.calls.map((c) => c.result)).toEqual(['INVALID_ARGUMENT', 'ok', 'ok']);
    expect(vx.fake.calls.map((c) => c.instances)).toEqual([10, 5, 5]);
    expect(res.json.embeddings.map((e: any) => e.index)).toEqual(texts.map((_, i) => i));
  });

  it('keeps halving while Vertex counts more tokens than the gateway estimated', async () => {
    vx.fake.limits.maxTokensPerCall = 3000;
    try {
      const texts = Array.from({ length: 20 }, (_, i) => `${'abc '.repeat(499)}t${i}`);
      const res = await embed({ inputs: texts, encoding: 'base64', dimensions: 8 });
      expect(res.status).toBe(200);
      const ok = vx.fake.calls.filter((c) => c.result === 'ok');
      expect(ok.reduce((sum, c) => sum + c.instances, 0)).toBe(20);
      expect(ok.every((c) => c.tokens <= 3000)).toBe(true);
      expect(vx.fake.calls.some((c) => c.result === 'INVALID_ARGUMENT')).toBe(true);
      res.json.embeddings.forEach((e: any, i: number) => {
        expect(maxDiff(fromBase64(e.values), unit(fakeEmbedding(MODEL, 'RETRIEVAL_DOCUMENT', texts[i]!, 8)))).toBeLessThan(1e-6);
      });
    } finally {
      vx.fake.limits.maxTokensPerCall = 20_000;
    }
  });

  it('retries a 429 storm, then answers from the bundled model and says why', async () => {
    vx.fake.fail(429, { times: Infinity });
    const res = await embed({ inputs: ['我喜欢看电影', '我爱看电影'] });
    expect(vx.fake.calls).toHaveLength(4); // the first try and VERTEX_RETRIES=3 retries
    expect(vx.fake.calls.every((c) => c.result === 'RESOURCE_EXHAUSTED')).toBe(true);
    expect(res.status).toBe(200);
    expect(res.json.provider).toBe('local');
    expect(res.json.model).toMatch(/^bge-small-zh-v1\.5@/);
    expect(res.json.dimensions).toBe(512);
    expect(res.json.fallback.used).toBe(true);
    expect(res.json.fallback.reason).toMatch(/^rate_limited: RESOURCE_EXHAUSTED: Quota exceeded/);
    expect(res.headers.get('x-embedding-model')).toBe(res.json.model);
    expect(res.headers.get('x-embedding-fallback')).toBe(res.json.fallback.reason);
  });

  it('answers 503 upstream with Vertex\'s reason when the request says "fallback": false', async () => {
    vx.fake.fail(429, { times: Infinity });
    const res = await embed({ inputs: ['a'], fallback: false });
    expect(vx.fake.calls).toHaveLength(4);
    expect(res.status).toBe(503);
    expect(res.json.error.type).toBe('upstream');
    expect(res.json.error.message).toMatch(/RESOURCE_EXHAUSTED: Quota exceeded/);
  });

  it('falls back on 503 UNAVAILABLE and on a 500, but never on a 400', async () => {
    vx.fake.fail(503, { times: 4 });
    expect((await embed({ inputs: ['a'] })).json.fallback).toMatchObject({ used: true, reason: expect.stringMatching(/^unavailable: UNAVAILABLE/) });
    vx.fake.reset();
    vx.fake.fail(500);
    const five = await embed({ inputs: ['a'] });
    expect(vx.fake.calls).toHaveLength(1); // a 500 is not retried
    expect(five.json.fallback.reason).toMatch(/^server_error: INTERNAL/);
    vx.fake.reset();
    vx.fake.fail(400, { message: 'Request contains an invalid argument.' });
    const bad = await embed({ inputs: ['a'] });
    expect(vx.fake.calls).toHaveLength(1);
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ type: 'invalid_request', message: expect.stringMatching(/invalid argument/) });
  });

  it('asks Vertex for outputDimensionality 256 and returns 256-long vectors', async () => {
    const res = await embed({ inputs: ['维度', 'dims'], dimensions: 256 });
    expect(res.status).toBe(200);
    expect(vx.fake.calls[0]!.dimensions).toBe(256);
    expect(res.json.dimensions).toBe(256);
    expect(res.json.embeddings.map((e: any) => e.values.length)).toEqual([256, 256]);
  });

  it('refuses, naming dimensions, when Vertex fails and the fallback cannot make that size', async () => {
    vx.fake.fail(503, { times: Infinity });
    const res = await embed({ inputs: ['a'], dimensions: 256 });
    expect(res.status).toBe(400);
    expect(res.json.error.field).toBe('dimensions');
    expect(res.json.error.message).toMatch(/cannot produce 256 dimensions.*512/);
    expect(res.json.error.fallback_reason).toMatch(/^unavailable/);
  });

  it('sends a title only with RETRIEVAL_DOCUMENT', async () => {
    await embed({ inputs: [{ text: 'body', title: 'Title' }], task: 'RETRIEVAL_DOCUMENT' });
    await embed({ inputs: [{ text: 'body', title: 'Title' }], task: 'RETRIEVAL_QUERY' });
    expect(vx.fake.calls.map((c) => c.titles)).toEqual([1, 0]);
  });

  it('cuts at 2,048 tokens, or refuses with autoTruncate false and no fallback', async () => {
    const text = 'abc '.repeat(2100);
    const cut = await embed({ inputs: [text] });
    expect(cut.json.embeddings[0]).toMatchObject({ tokens: 2048, truncated: true });
    expect(vx.fake.calls[0]!.autoTruncate).toBe(true);
    const refused = await embed({ inputs: [text], truncate: false });
    expect(refused.status).toBe(400);
    expect(refused.json.error.type).toBe('invalid_request');
    expect(vx.fake.calls[1]).toMatchObject({ autoTruncate: false, result: 'INVALID_ARGUMENT' });
  });

  it('accepts Vertex model ids and "local" as selectors', async () => {
    const other = await embed({ inputs: ['a'], model: 'gemini-embedding-001', dimensions: 768 });
    expect(other.json).toMatchObject({ model: 'gemini-embedding-001', provider: 'vertex', dimensions: 768 });
    expect(vx.fake.calls[0]!.model).toBe('gemini-embedding-001');
    const local = await embed({ inputs: ['a'], model: 'local' });
    expect(local.json.provider).toBe('local');
    expect(vx.fake.calls).toHaveLength(1);
  });

  it('reports Vertex in /healthz without secrets', async () => {
    const health = await (await fetch(`${vx.server.url}/healthz`)).json();
    expect(health.mode).toBe('vertex+local');
    expect(health.vertex).toMatchObject({ configured: true, model: MODEL, transport: 'grpc', breaker: { state: 'closed' } });
    expect(JSON.stringify(health)).not.toContain('fake-proj');
  });
});

describe('the circuit breaker', () => {
  // The breakers' clock, stepped past the cooldown instead of waiting it out.
  let clock = 0;
  const vx = fakeVertexServer({ env: { VERTEX_RETRIES: '0', BREAKER_FAILURES: '3', BREAKER_COOLDOWN_MS: '300' }, gateway: { now: () => clock } });
  const embed = (body: unknown) => vx.post('/embed', body);

  const breakerLines = (logs: ReturnType<typeof captureLogs>) => logs.lines().filter((l) => l.event === 'breaker_open');

  it('opens after 3 failures so later requests skip Vertex, and closes once Vertex recovers', async () => {
    vx.fake.fail(503, { times: Infinity });
    const logs = captureLogs('warning');
    try {
      for (let i = 0; i < 3; i++) expect((await embed({ inputs: ['a'] })).json.fallback.reason).toMatch(/^unavailable/);
      await embed({ inputs: ['a'] });
    } finally {
      logs.restore();
    }
    // One line the moment it opened (the third failure), none for the request that met it open.
    expect(breakerLines(logs)).toEqual([expect.objectContaining({
      severity: 'WARNING', provider: 'vertex', model: MODEL, upstream_failure: 'unavailable', consecutive_failures: 3, retry_in_ms: 300,
    })]);
    expect(vx.fake.calls).toHaveLength(3);

    const skipped = await embed({ inputs: ['a'] });
    expect(skipped.json.fallback.reason).toMatch(/^breaker_open/);
    const strict = await embed({ inputs: ['a'], fallback: false });
    expect(strict.status).toBe(503);
    expect(strict.headers.get('retry-after')).not.toBeNull();
    expect(vx.fake.calls).toHaveLength(3);
    expect((await (await fetch(`${vx.server.url}/healthz`)).json()).vertex.breaker.state).toBe('open');

    vx.fake.reset(); // Vertex recovers
    clock += 299;
    expect((await embed({ inputs: ['a'] })).json.fallback.reason).toMatch(/^breaker_open/); // not yet
    expect(vx.fake.calls).toHaveLength(0);
    clock += 1;
    const probe = await embed({ inputs: ['a'] });
    expect(probe.json).toMatchObject({ provider: 'vertex', fallback: { used: false } });
    expect(vx.fake.calls).toHaveLength(1);
    expect((await (await fetch(`${vx.server.url}/healthz`)).json()).vertex.breaker.state).toBe('closed');
  });

  it('re-opens when the half-open probe fails', async () => {
    vx.fake.reset();
    vx.fake.fail(503, { times: Infinity });
    for (let i = 0; i < 3; i++) await embed({ inputs: ['a'] });
    clock += 300;
    const logs = captureLogs('warning');
    try {
      await embed({ inputs: ['a'] }); // the probe, failing
    } finally {
      logs.restore();
    }
    expect(breakerLines(logs)).toEqual([expect.objectContaining({ upstream_failure: 'unavailable', retry_in_ms: 300 })]);
    expect(vx.fake.calls).toHaveLength(4);
    expect((await embed({ inputs: ['a'] })).json.fallback.reason).toMatch(/^breaker_open/);
    expect(vx.fake.calls).toHaveLength(4);
  });
});

describe('deadlines (REST transport)', () => {
  const vx = fakeVertexServer({ transport: 'rest', env: { REQUEST_TIMEOUT_MS: '10000', VERTEX_TIMEOUT_MS: '400', VERTEX_RETRIES: '1' } });
  const embed = (body: unknown) => vx.post('/embed', body);
  beforeAll(async () => {
    await embed({ inputs: ['warm the bundled model'], model: 'local' });
  });

  it('abandons a hanging Vertex call at the deadline and answers from the fallback', async () => {
    vx.fake.hang({ times: Infinity });
    const res = await embed({ inputs: ['挂起'] });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ provider: 'local', fallback: { used: true } });
    expect(res.json.fallback.reason).toMatch(/^deadline/);
    expect(vx.fake.calls.every((c) => c.result === 'hang')).toBe(true);
  });

  it('answers 504 upstream_timeout for a hanging Vertex when fallback is off', async () => {
    vx.fake.hang({ times: Infinity });
    const res = await embed({ inputs: ['挂起'], fallback: false });
    expect(res.status).toBe(504);
    expect(res.json.error.type).toBe('upstream_timeout');
  });

  it('serves normally through the REST transport', async () => {
    const res = await embed({ inputs: ['rest'] });
    expect(res.json).toMatchObject({ provider: 'vertex', fallback: { used: false } });
  });
});

describe('FALLBACK=false', () => {
  const vx = fakeVertexServer({ env: { FALLBACK: 'false', VERTEX_RETRIES: '1' } });

  it('turns a Vertex outage into 503 upstream even when the request allows fallback', async () => {
    vx.fake.fail(503, { times: Infinity });
    const res = await vx.post('/embed', { inputs: ['a'], fallback: true });
    expect(res.status).toBe(503);
    expect(res.json.error).toMatchObject({ type: 'upstream', message: expect.stringMatching(/UNAVAILABLE/) });
    expect((await (await fetch(`${vx.server.url}/healthz`)).json()).mode).toBe('vertex');
  });
});
