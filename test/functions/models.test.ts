// GET /v1/models and /v1/models/{id} through the real openai SDK; Model Garden's PublisherModel
// lookups; and the log line of a request to a path with no route.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setLogLevel } from '../../shared/log.js';
import { startFakeVertex, type FakeVertex } from '../fakes/vertex-server.js';
import { startTestServer } from '../helpers/server.js';
import { vertexEnv } from '../helpers/vertex.js';

const ALIASES = 'text-embedding-3-small=auto,text-embedding-3-large=auto,house-embedder=local';

describe('models on a gateway with Vertex configured', () => {
  let fake: FakeVertex;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeVertex({ transport: 'rest' });
    server = await startTestServer(vertexEnv(fake, { OPENAI_MODELS: ALIASES }));
    client = new OpenAI({ apiKey: 'not-needed-without-auth', baseURL: `${server.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  it('models.list() names every alias and served model with its dimensions and owner', async () => {
    const ids: string[] = [];
    const byId: Record<string, any> = {};
    for await (const model of client.models.list()) {
      ids.push(model.id);
      byId[model.id] = model;
    }
    expect(ids).toEqual(['text-embedding-3-small', 'text-embedding-3-large', 'house-embedder', 'bge-small-zh-v1.5', 'text-multilingual-embedding-002']);
    expect(byId['text-embedding-3-small']).toEqual({
      id: 'text-embedding-3-small', object: 'model', created: 0, owned_by: 'google', dimensions: 768, served_by: 'text-multilingual-embedding-002',
    });
    expect(byId['house-embedder']).toMatchObject({ owned_by: 'BAAI', dimensions: 512, served_by: expect.stringMatching(/^bge-small-zh-v1\.5@/) });
    expect(byId['bge-small-zh-v1.5']).toMatchObject({ owned_by: 'BAAI', dimensions: 512 });
    expect(byId['text-multilingual-embedding-002']).toMatchObject({ owned_by: 'google', dimensions: 768 });
    expect(fake.calls).toHaveLength(0);
  });

  it('models.retrieve() describes an alias, a model id and a gateway selector', async () => {
    expect(await client.models.retrieve('text-embedding-3-large')).toMatchObject({ id: 'text-embedding-3-large', object: 'model', dimensions: 768 });
    expect(await client.models.retrieve('gemini-embedding-001')).toMatchObject({ owned_by: 'google', dimensions: 3072 });
    expect(await client.models.retrieve('local')).toMatchObject({ id: 'local', owned_by: 'BAAI', dimensions: 512 });
  });

  it('models.retrieve() of an unknown model is NotFoundError model_not_found', async () => {
    const error = await client.models.retrieve('gpt-9').catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found', param: 'model', type: 'invalid_request_error' });
  });

  it.each([
    ['/v1/publishers/google/models/text-multilingual-embedding-002', 'text-multilingual-embedding-002'],
    ['/v1/projects/p/locations/europe-west4/publishers/google/models/text-embedding-005', 'text-embedding-005'],
    ['/v1/publishers/google/models/bge-small-zh-v1.5', 'bge-small-zh-v1.5'],
  ])('GET %s answers a PublisherModel the Vertex SDKs read', async (path, id) => {
    const res = await fetch(server.url + path);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      name: `publishers/google/models/${id}`,
      publisherModelTemplate: `projects/{user-project}/locations/{location}/publishers/google/models/${id}`,
      predictSchemata: { instanceSchemaUri: 'gs://google-cloud-aiplatform/schema/predict/instance/text_embedding_1.0.0.yaml' },
      launchStage: 'GA',
    });
  });

  it.each(['auto', 'text-bison@001'])('GET a PublisherModel for %s is NOT_FOUND in Google\'s shape', async (id) => {
    const res = await fetch(`${server.url}/v1/publishers/google/models/${id}`);
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatchObject({ code: 404, status: 'NOT_FOUND', field: 'model' });
  });

  it('answers POST to a lookup with 405', async () => {
    const res = await fetch(`${server.url}/v1/models`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect((await res.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'method_not_allowed' });
  });
});

describe('models on a gateway without Vertex', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({ OPENAI_MODELS: 'text-embedding-3-small=auto' });
  });
  afterAll(() => server.close());

  it('lists the aliases as the bundled model, and no Vertex model', async () => {
    const client = new OpenAI({ apiKey: 'x', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const page = await client.models.list();
    expect(page.data.map((m) => [m.id, (m as any).dimensions])).toEqual([['text-embedding-3-small', 512], ['bge-small-zh-v1.5', 512]]);
  });

  it('has no PublisherModel for a Vertex model', async () => {
    const res = await fetch(`${server.url}/v1/publishers/google/models/text-multilingual-embedding-002`);
    expect(res.status).toBe(404);
  });

  it('logs a request to a path with no route: method, path and status, as routed requests are', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
      lines.push(String(chunk));
      return true;
    });
    setLogLevel('info');
    try {
      const res = await fetch(`${server.url}/v2/embeddings?key=secret`, { method: 'POST' });
      expect(res.status).toBe(404);
      expect((await res.json()).error).toMatchObject({ type: 'not_found' });
    } finally {
      setLogLevel('error');
      spy.mockRestore();
    }
    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.message === 'request');
    expect(logged).toEqual([expect.objectContaining({ severity: 'INFO', route: null, method: 'POST', path: '/v2/embeddings', status: 404 })]);
    expect(lines.join('')).not.toContain('secret');
  });
});
