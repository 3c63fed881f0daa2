// The Vertex-compatible :predict route: Vertex's body and response shape, served through the
// gateway's pipeline; a real Vertex client (the aiplatform REST transport) needs only a new host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVertexClient } from '../../shared/providers/vertex/client.js';
import { classify } from '../../shared/providers/vertex/errors.js';
import { fakeEmbedding, fakeTokens } from '../fakes/vertex-server.js';
import { postJson, startTestServer } from '../helpers/server.js';
import { fakeVertexServer, maxDiff } from '../helpers/vertex.js';

const MODEL = 'text-multilingual-embedding-002';
const path = (model = MODEL) => `/v1/projects/my-proj/locations/us-central1/publishers/google/models/${model}:predict`;

describe('POST .../models/{model}:predict', () => {
  const vx = fakeVertexServer({ env: { VERTEX_RETRIES: '1' } });
  const predict = (body: unknown, model?: string) => postJson(vx.server.url + path(model), body);

  it('answers the seed request shape in Vertex\'s response shape', async () => {
    const res = await predict({ instances: [{ content: 'What is life?' }] });
    expect(res.status).toBe(200);
    const [prediction] = res.json.predictions;
    expect(prediction.embeddings.values).toHaveLength(768);
    expect(prediction.embeddings.statistics).toEqual({ token_count: fakeTokens('What is life?'), truncated: false });
    expect(res.json.metadata.billableCharacterCount).toBe('Whatislife?'.length);
    // Vertex's default task type when an instance names none.
    expect(vx.fake.calls[0]!.taskTypes).toEqual(['RETRIEVAL_QUERY']);
    expect(maxDiff(prediction.embeddings.values, fakeEmbedding(MODEL, 'RETRIEVAL_QUERY', 'What is life?'))).toBeLessThan(1e-6);
    expect(res.json.model).toBe(MODEL);
    expect(res.headers.get('x-embedding-model')).toBe(MODEL);
  });

  it('passes task_type, title, autoTruncate and outputDimensionality through', async () => {
    const res = await predict({
      instances: [{ content: 'doc body', task_type: 'RETRIEVAL_DOCUMENT', title: 'Doc' }],
      parameters: { autoTruncate: false, outputDimensionality: 256 },
    });
    expect(res.status).toBe(200);
    expect(res.json.predictions[0].embeddings.values).toHaveLength(256);
    expect(vx.fake.calls[0]).toMatchObject({ dimensions: 256, autoTruncate: false, titles: 1, taskTypes: ['RETRIEVAL_DOCUMENT'] });
  });

  it('answers mixed task types in one call as the per-task calls would, in the caller\'s order', async () => {
    const instances = [
      { content: '我喜欢看电影', task_type: 'RETRIEVAL_QUERY' },
      { content: 'doc one', task_type: 'RETRIEVAL_DOCUMENT', title: 'One' },
      { content: '今天股市大跌' },
      { content: 'doc two', task_type: 'RETRIEVAL_DOCUMENT' },
      { content: 'a b c', task_type: 'CLUSTERING' },
    ];
    const mixed = await predict({ instances, parameters: { outputDimensionality: 64 } });
    expect(mixed.status).toBe(200);
    // One Vertex call per task type, each with only its own instances.
    expect(vx.fake.calls.map((c) => c.taskTypes)).toEqual([['RETRIEVAL_QUERY', 'RETRIEVAL_QUERY'], ['RETRIEVAL_DOCUMENT', 'RETRIEVAL_DOCUMENT'], ['CLUSTERING']]);
    for (const [i, instance] of instances.entries()) {
      const alone = await predict({ instances: [instance], parameters: { outputDimensionality: 64 } });
      expect(maxDiff(mixed.json.predictions[i].embeddings.values, alone.json.predictions[0].embeddings.values)).toBeLessThan(1e-6);
      expect(mixed.json.predictions[i].embeddings.statistics).toEqual(alone.json.predictions[0].embeddings.statistics);
    }
  });

  it('falls back as one: when a later task\'s call fails, the whole mixed call is the bundled model\'s', async () => {
    // RETRIEVAL_QUERY's call succeeds; CLUSTERING's fails on every attempt.
    vx.fake.pass({ times: 1 });
    vx.fake.fail(503, { times: Infinity });
    const res = await predict({ instances: [{ content: '我喜欢看电影', task_type: 'RETRIEVAL_QUERY' }, { content: '今天股市大跌', task_type: 'CLUSTERING' }] });
    expect(res.status).toBe(200);
    expect(vx.fake.calls[0]!.result).toBe('ok');
    expect(res.json.model).toMatch(/^bge-small-zh-v1\.5@/);
    expect(res.json.predictions.map((p: any) => p.embeddings.values.length)).toEqual([512, 512]);
    // The query still has the bundled model's query instruction: each task keeps its own meaning.
    const query = await postJson(`${vx.server.url}/embed`, { inputs: ['我喜欢看电影'], model: 'local', task: 'RETRIEVAL_QUERY' });
    expect(maxDiff(res.json.predictions[0].embeddings.values, query.json.embeddings[0].values)).toBeLessThan(1e-6);
  });

  it('forwards the model named in the path', async () => {
    const res = await predict({ instances: [{ content: 'x' }] }, 'text-embedding-005');
    expect(res.status).toBe(200);
    expect(vx.fake.calls[0]!.model).toBe('text-embedding-005');
  });

  it('shows a fallback in headers, PredictResponse.model and metadata.gateway', async () => {
    vx.fake.fail(503, { times: Infinity });
    const res = await predict({ instances: [{ content: '我喜欢看电影' }] });
    expect(res.status).toBe(200);
    expect(res.json.predictions[0].embeddings.values).toHaveLength(512);
    expect(res.headers.get('x-embedding-provider')).toBe('local');
    expect(res.headers.get('x-embedding-fallback')).toMatch(/^unavailable: UNAVAILABLE/);
    expect(res.json.model).toMatch(/^bge-small-zh-v1\.5@/);
    expect(res.json.metadata).toMatchObject({ billableCharacterCount: 0, gateway: { provider: 'local', fallback: { used: true } } });
  });

  it('serves a real Vertex client (aiplatform, REST transport) that only changed its host', async () => {
    const port = Number(new URL(vx.server.url).port);
    const client = createVertexClient({ transport: 'rest', location: 'us-central1', apiEndpoint: '127.0.0.1', port, insecure: true });
    try {
      const answer = await client.predict({
        endpoint: `projects/my-proj/locations/us-central1/publishers/google/models/${MODEL}`,
        instances: [{ content: '我喜欢看电影', task_type: 'SEMANTIC_SIMILARITY' }, { content: '我爱看电影', task_type: 'SEMANTIC_SIMILARITY' }],
        parameters: { outputDimensionality: 128 },
      }, { timeoutMs: 10_000 });
      expect(answer.predictions.map((p) => p.embeddings.values.length)).toEqual([128, 128]);
      expect(answer.predictions[1]!.embeddings.statistics.token_count).toBe(5);
      expect(answer.metadata?.billableCharacterCount).toBe(11);
    } finally {
      await client.close();
    }
  });

  it('hands a Vertex client Google\'s error shape, which it reads as a gRPC status', async () => {
    const bad = await predict({ instances: [{ text: 'x' }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', field: 'instances[0].text' });

    const port = Number(new URL(vx.server.url).port);
    const client = createVertexClient({ transport: 'rest', location: 'us-central1', apiEndpoint: '127.0.0.1', port, insecure: true });
    try {
      const error = await client.predict({ endpoint: `projects/p/locations/l/publishers/google/models/${MODEL}`, instances: [{ content: 'x' }], parameters: { outputDimensionality: 5000 } }, { timeoutMs: 10_000 })
        .then(() => undefined, (e: unknown) => e);
      expect(classify(error)).toMatchObject({ failure: 'invalid', status: 400, field: 'dimensions' });
    } finally {
      await client.close();
    }
  });

  it.each([
    ['no instances', {}, 'instances'],
    ['empty instances', { instances: [] }, 'instances'],
    ['an instance without content', { instances: [{}] }, 'instances[0].content'],
    ['an unknown task_type', { instances: [{ content: 'a', task_type: 'SUMMARIZE' }] }, 'instances[0].task_type'],
    ['an unknown task_type after a good one', { instances: [{ content: 'a', task_type: 'CLUSTERING' }, { content: 'b', task_type: 'X' }] }, 'instances[1].task_type'],
    ['a bare number as parameters', { instances: [{ content: 'a' }], parameters: 256 }, 'parameters'],
    ['an unknown parameter', { instances: [{ content: 'a' }], parameters: { dimensions: 256 } }, 'parameters.dimensions'],
  ])('refuses %s', async (_name, body, field) => {
    const res = await predict(body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ status: 'INVALID_ARGUMENT', field });
    expect(vx.fake.calls).toHaveLength(0);
  });

  it('answers 503 UNAVAILABLE in Google\'s shape with parameters.fallback false', async () => {
    vx.fake.fail(429, { times: Infinity });
    const res = await predict({ instances: [{ content: 'a' }], parameters: { fallback: false } });
    expect(res.status).toBe(503);
    expect(res.json.error).toMatchObject({ code: 503, status: 'UNAVAILABLE', type: 'upstream' });
    expect(res.json.error.message).toMatch(/RESOURCE_EXHAUSTED/);
  });
});

describe(':predict without a Google Cloud project', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({ CACHE_L1_BYTES: '0' });
  });
  afterAll(() => server.close());

  it('serves the bundled model when the path names it', async () => {
    const res = await postJson(server.url + path('local'), { instances: [{ content: '我喜欢看电影' }] });
    expect(res.status).toBe(200);
    expect(res.json.predictions[0].embeddings.values).toHaveLength(512);
    expect(res.json.metadata).toMatchObject({ billableCharacterCount: 0, gateway: { provider: 'local', fallback: { used: false } } });
  });

  it('says Vertex is not configured when the path names a Vertex model', async () => {
    const res = await postJson(server.url + path(), { instances: [{ content: 'x' }] });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ status: 'INVALID_ARGUMENT', field: 'model', message: expect.stringMatching(/not configured/) });
  });
});
