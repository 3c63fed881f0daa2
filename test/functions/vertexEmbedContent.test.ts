// embedContent end to end: the Vertex provider calls it for the gemini-embedding-2 family (one
// text per call, within the same concurrency, retry, breaker and fallback), through the real
// aiplatform client against the fake Vertex on gRPC and REST; and the gateway's own
// Vertex-compatible `:embedContent` route, called by that same real client.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVertexClient } from '../../shared/providers/vertex/client.js';
import { fakeEmbedding, fakeTokens, startFakeVertex, type FakeVertex } from '../fakes/vertex-server.js';
import { postJson, startTestServer } from '../helpers/server.js';
import { maxDiff, unit, vertexEnv } from '../helpers/vertex.js';

const MODEL = 'gemini-embedding-2-preview';
const TEXTS = ['我喜欢看电影', 'I love watching movies', '今天股市大跌', 'vectors for retrieval', '北京的秋天很美'];
const route = (model: string) => `/v1/projects/my-proj/locations/us-central1/publishers/google/models/${model}:embedContent`;

describe.each(['grpc', 'rest'] as const)('the Vertex provider on %s: gemini-embedding-2 through embedContent', (transport) => {
  let fake: FakeVertex;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const embed = (body: Record<string, unknown>) => postJson(`${server.url}/embed`, { model: MODEL, ...body });

  beforeAll(async () => {
    fake = await startFakeVertex({ transport });
    server = await startTestServer(vertexEnv(fake, { VERTEX_MODEL: MODEL, VERTEX_CONCURRENCY: '2', VERTEX_RETRIES: '2' }));
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('makes one embedContent call per text, at most VERTEX_CONCURRENCY at once, vectors in order', async () => {
    fake.latency(20);
    const res = await embed({ inputs: TEXTS, task: 'RETRIEVAL_DOCUMENT' });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ model: MODEL, provider: 'vertex', dimensions: 3072, fallback: { used: false } });
    expect(fake.calls.map((c) => [c.method, c.instances, c.taskTypes[0]])).toEqual(TEXTS.map(() => ['embedContent', 1, 'RETRIEVAL_DOCUMENT']));
    expect(fake.maxInFlight()).toBe(2);
    res.json.embeddings.forEach((e: any, i: number) => {
      expect(maxDiff(e.values, fakeEmbedding(MODEL, 'RETRIEVAL_DOCUMENT', TEXTS[i]!))).toBeLessThan(1e-6);
      expect(e.tokens).toBe(fakeTokens(TEXTS[i]!));
    });
  });

  it('passes title, task type and a reduced size, and returns the reduced vector at unit length', async () => {
    const res = await embed({ inputs: [{ text: 'doc body', title: 'Doc' }], task: 'RETRIEVAL_DOCUMENT', dimensions: 256 });
    expect(res.status, res.text).toBe(200);
    expect(fake.calls[0]).toMatchObject({ method: 'embedContent', titles: 1, dimensions: 256 });
    const raw = fakeEmbedding(MODEL, 'RETRIEVAL_DOCUMENT', 'doc body', 256, 'Doc');
    expect(Math.hypot(...raw)).toBeLessThan(0.9);
    expect(maxDiff(res.json.embeddings[0].values, unit(raw))).toBeLessThan(1e-6);
  });

  it('retries a 429 and still answers from Vertex', async () => {
    fake.fail(429, { times: 2 });
    const res = await embed({ inputs: [TEXTS[0]] });
    expect(res.status).toBe(200);
    expect(res.json.provider).toBe('vertex');
    expect(fake.calls.map((c) => c.result)).toEqual(['RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED', 'ok']);
  });

  it('falls back to the bundled model when embedContent keeps failing, and says so', async () => {
    fake.fail(503, { times: Infinity });
    const res = await embed({ inputs: TEXTS.slice(0, 2) });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ provider: 'local', fallback: { used: true, reason: expect.stringMatching(/^unavailable: UNAVAILABLE/) } });
    const refused = await embed({ inputs: [TEXTS[0]], fallback: false });
    expect(refused.status).toBe(503);
  });

  it('hands Vertex\'s refusal of an over-long text with truncate false back as a 400', async () => {
    const long = 'abc '.repeat(9000);
    expect(fakeTokens(long)).toBeGreaterThan(8192);
    const res = await embed({ inputs: [long], truncate: false });
    expect(res.status).toBe(400);
    expect(fake.calls[0]!.result).toBe('INVALID_ARGUMENT');
    const cut = await embed({ inputs: [long] });
    expect(cut.json.embeddings[0]).toMatchObject({ truncated: true, tokens: 8192 });
  });
});

describe('POST .../models/{model}:embedContent (Vertex-compatible)', () => {
  let fake: FakeVertex;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let client: ReturnType<typeof createVertexClient>;

  beforeAll(async () => {
    fake = await startFakeVertex({ transport: 'grpc' });
    server = await startTestServer(vertexEnv(fake, { VERTEX_MODEL: MODEL }));
    // The real aiplatform client, REST transport, pointed at the gateway instead of Vertex.
    client = createVertexClient({ transport: 'rest', location: 'us-central1', apiEndpoint: '127.0.0.1', port: Number(new URL(server.url).port), insecure: true });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('serves PredictionServiceClient.embedContent that changed only its host', async () => {
    const answer = await client.embedContent({
      model: `projects/my-proj/locations/us-central1/publishers/google/models/${MODEL}`,
      text: '我喜欢看电影', taskType: 'SEMANTIC_SIMILARITY', autoTruncate: true, outputDimensionality: 128,
    }, { timeoutMs: 10_000 });
    expect(answer.values).toHaveLength(128);
    expect(maxDiff(answer.values, unit(fakeEmbedding(MODEL, 'SEMANTIC_SIMILARITY', '我喜欢看电影', 128)))).toBeLessThan(1e-6);
    expect(answer).toMatchObject({ tokens: fakeTokens('我喜欢看电影'), truncated: false });
    expect(fake.calls.map((c) => c.method)).toEqual(['embedContent']);
  });

  it('answers a REST caller in EmbedContentResponse\'s shape, snake_case config included', async () => {
    const res = await postJson(server.url + route(MODEL), {
      content: { role: 'user', parts: [{ text: 'What is life?' }] },
      embed_content_config: { task_type: 'RETRIEVAL_QUERY', output_dimensionality: 64, normalize: false },
    });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.json).sort()).toEqual(['embedding', 'truncated', 'usageMetadata']);
    expect(maxDiff(res.json.embedding.values, fakeEmbedding(MODEL, 'RETRIEVAL_QUERY', 'What is life?', 64))).toBeLessThan(1e-6);
    expect(res.json.usageMetadata.promptTokenCount).toBe(fakeTokens('What is life?'));
    expect(res.headers.get('x-embedding-model')).toBe(MODEL);
  });

  it('serves the bundled model when the path names it, equal to /embed', async () => {
    const [res, native] = await Promise.all([
      postJson(server.url + route('local'), { content: { parts: [{ text: '我喜欢看电影' }] }, embedContentConfig: { taskType: 'RETRIEVAL_DOCUMENT' } }),
      postJson(`${server.url}/embed`, { inputs: ['我喜欢看电影'], model: 'local', task: 'RETRIEVAL_DOCUMENT' }),
    ]);
    expect(res.status).toBe(200);
    expect(maxDiff(res.json.embedding.values, native.json.embeddings[0].values)).toBeLessThan(1e-6);
    expect(fake.calls).toHaveLength(0);
  });

  it.each([
    ['no content', {}, 'content'],
    ['empty parts', { content: { parts: [] } }, 'content.parts'],
    ['a non-text part', { content: { parts: [{ inlineData: { mimeType: 'image/png', data: '' } }] } }, 'content.parts[0]'],
    ['an unknown config field', { content: { parts: [{ text: 'a' }] }, embedContentConfig: { dimensions: 3 } }, 'embedContentConfig.dimensions'],
    ['an unknown task type', { content: { parts: [{ text: 'a' }] }, embedContentConfig: { taskType: 'SUMMARIZE' } }, 'embedContentConfig.taskType'],
    ['an unknown top-level field', { content: { parts: [{ text: 'a' }] }, instances: [] }, 'instances'],
  ])('refuses %s in Google\'s error shape', async (_name, body, field) => {
    const res = await postJson(server.url + route(MODEL), body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', field });
    expect(fake.calls).toHaveLength(0);
  });
});
