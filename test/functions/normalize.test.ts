// Unit vectors by default from every provider and size; `normalize: false` gives them as the
// model made them; the cache keeps the two apart. Vertex (the fake, like Google) cuts reduced
// dimensions from the unit full-size vector without rescaling.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeEmbedding, startFakeVertex, type FakeVertex } from '../fakes/vertex-server.js';
import { postJson, startTestServer } from '../helpers/server.js';
import { maxDiff, unit, vertexEnv } from '../helpers/vertex.js';

const MODEL = 'text-multilingual-embedding-002';
const norm = (values: number[]) => Math.hypot(...values);
const PREDICT = `/v1/projects/p/locations/us-central1/publishers/google/models/${MODEL}:predict`;

describe('normalisation', () => {
  let fake: FakeVertex;
  let server: Awaited<ReturnType<typeof startTestServer>>;

  beforeAll(async () => {
    fake = await startFakeVertex({ transport: 'rest' });
    // The cache on: the two forms of one text must not share an entry.
    server = await startTestServer(vertexEnv(fake, { CACHE_L1_BYTES: String(16 * 1024 * 1024), OPENAI_MODELS: 'text-embedding-3-small=auto' }));
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('Vertex vectors cut to fewer dimensions leave at unit length; normalize: false gives Vertex\'s own', async () => {
    const raw = fakeEmbedding(MODEL, 'RETRIEVAL_DOCUMENT', '我喜欢看电影', 256);
    expect(norm(raw)).toBeLessThan(0.9);
    const unitRes = await postJson(`${server.url}/embed`, { inputs: ['我喜欢看电影'], dimensions: 256 });
    expect(unitRes.json.provider).toBe('vertex');
    expect(norm(unitRes.json.embeddings[0].values)).toBeCloseTo(1, 5);
    expect(maxDiff(unitRes.json.embeddings[0].values, unit(raw))).toBeLessThan(1e-6);

    const rawRes = await postJson(`${server.url}/embed`, { inputs: ['我喜欢看电影'], dimensions: 256, normalize: false });
    expect(maxDiff(rawRes.json.embeddings[0].values, raw)).toBeLessThan(1e-6);
    // Not the cached unit vector: the key includes normalize, so Vertex was asked twice.
    expect(rawRes.json.embeddings[0].cached).toBe(false);
    expect(fake.calls).toHaveLength(2);
    const again = await postJson(`${server.url}/embed`, { inputs: ['我喜欢看电影'], dimensions: 256, normalize: false });
    expect(again.json.embeddings[0]).toMatchObject({ cached: true });
    expect(maxDiff(again.json.embeddings[0].values, raw)).toBeLessThan(1e-6);
  });

  it('on :predict (parameters.normalize) and /v1/embeddings (normalize) alike', async () => {
    const raw = fakeEmbedding(MODEL, 'RETRIEVAL_QUERY', 'What is life?', 128);
    const predicted = await postJson(server.url + PREDICT, { instances: [{ content: 'What is life?' }], parameters: { outputDimensionality: 128 } });
    expect(maxDiff(predicted.json.predictions[0].embeddings.values, unit(raw))).toBeLessThan(1e-6);
    const predictedRaw = await postJson(server.url + PREDICT, { instances: [{ content: 'What is life?' }], parameters: { outputDimensionality: 128, normalize: false } });
    expect(maxDiff(predictedRaw.json.predictions[0].embeddings.values, raw)).toBeLessThan(1e-6);

    const openai = await postJson(`${server.url}/v1/embeddings`, { model: 'text-embedding-3-small', input: 'What is life?', dimensions: 128 });
    expect(norm(openai.json.data[0].embedding)).toBeCloseTo(1, 5);
    const openaiRaw = await postJson(`${server.url}/v1/embeddings`, { model: 'text-embedding-3-small', input: 'What is life?', dimensions: 128, normalize: false });
    expect(norm(openaiRaw.json.data[0].embedding)).toBeLessThan(0.9);
  });

  it('the bundled model\'s vectors are unit length either way (its own pipeline ends in a Normalize layer)', async () => {
    const [a, b] = await Promise.all([
      postJson(`${server.url}/embed`, { inputs: ['我喜欢看电影'], model: 'local' }),
      postJson(`${server.url}/embed`, { inputs: ['我喜欢看电影'], model: 'local', normalize: false }),
    ]);
    expect(norm(a.json.embeddings[0].values)).toBeCloseTo(1, 5);
    expect(maxDiff(a.json.embeddings[0].values, b.json.embeddings[0].values)).toBeLessThan(1e-6);
  });

  it('refuses a normalize that is not a boolean, naming it', async () => {
    const res = await postJson(`${server.url}/embed`, { inputs: ['x'], normalize: 'no' });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ field: 'normalize' });
  });
});
