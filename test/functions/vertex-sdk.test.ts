// The Vertex SDK flow an app team already has, run for real: Python's
// TextEmbeddingModel.from_pretrained(...) (Model Garden's GetPublisherModel) then
// .get_embeddings(...) (`:predict`), against the dev server, changed only in its endpoint
// (plain http, REST transport) and anonymous credentials. The SDK comes from the package
// registry into a throwaway virtual environment; the test skips only when pip cannot reach it.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeEmbedding, fakeTokens, startFakeVertex, type FakeVertex } from '../fakes/vertex-server.js';
import { pythonVenv, type PythonVenv } from '../helpers/python-venv.js';
import { postJson, startTestServer } from '../helpers/server.js';
import { maxDiff, unit, vertexEnv } from '../helpers/vertex.js';

// Pinned: vertexai.language_models is deprecated and may leave later releases.
const SDK = 'google-cloud-aiplatform==2.7.0';
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../clients/vertex_sdk_embed.py');
const MODEL = 'text-multilingual-embedding-002';

let venv: PythonVenv;
let fake: FakeVertex;
let server: Awaited<ReturnType<typeof startTestServer>>;

/** Runs the SDK script; asynchronously, since the dev server answering it lives in this process. */
function sdk(request: Record<string, unknown>): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(venv.python, [SCRIPT, JSON.stringify({ url: server.url, ...request })], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the SDK script failed: ${error.message}\n${stderr.slice(-3000)}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

beforeAll(async () => {
  venv = pythonVenv([SDK]);
  fake = await startFakeVertex({ transport: 'rest' });
  server = await startTestServer(vertexEnv(fake));
}, 900_000);
afterAll(async () => {
  await server?.close();
  await fake?.close();
});
beforeEach((ctx) => {
  if (venv.unreachable) ctx.skip(venv.unreachable);
  fake.reset();
});

describe('Vertex SDK (Python) TextEmbeddingModel against the gateway', () => {
  it('looks the model up, then embeds through :predict with the vectors Vertex makes', async () => {
    const out = await sdk({ model: MODEL, inputs: [{ text: '我喜欢看电影' }, { text: 'What is life?' }] });
    expect(out.error).toBeUndefined();
    expect(out.embeddings).toHaveLength(2);
    expect(out.embeddings[0].values).toHaveLength(768);
    expect(maxDiff(out.embeddings[0].values, fakeEmbedding(MODEL, 'RETRIEVAL_QUERY', '我喜欢看电影'))).toBeLessThan(1e-6);
    expect(maxDiff(out.embeddings[1].values, fakeEmbedding(MODEL, 'RETRIEVAL_QUERY', 'What is life?'))).toBeLessThan(1e-6);
    expect(out.embeddings[1]).toMatchObject({ token_count: fakeTokens('What is life?'), truncated: false });
    expect(fake.calls.map((c) => c.model)).toEqual([MODEL]);
  });

  it('passes mixed task types, a title and output_dimensionality through', async () => {
    const out = await sdk({
      model: MODEL,
      inputs: [{ text: 'doc body', task_type: 'RETRIEVAL_DOCUMENT', title: 'Doc' }, { text: 'a query', task_type: 'RETRIEVAL_QUERY' }],
      output_dimensionality: 256,
    });
    expect(out.embeddings.map((e: any) => e.values.length)).toEqual([256, 256]);
    expect(fake.calls.map((c) => [c.taskTypes, c.titles, c.dimensions])).toEqual([[['RETRIEVAL_DOCUMENT'], 1, 256], [['RETRIEVAL_QUERY'], 0, 256]]);
    // Unit length, like every gateway vector, whatever Vertex sent for a reduced size.
    expect(maxDiff(out.embeddings[1].values, unit(fakeEmbedding(MODEL, 'RETRIEVAL_QUERY', 'a query', 256)))).toBeLessThan(1e-6);
  });

  it('serves the bundled model under its own id, equal to /embed', async () => {
    const out = await sdk({ model: 'bge-small-zh-v1.5', inputs: [{ text: '我喜欢看电影', task_type: 'RETRIEVAL_DOCUMENT' }] });
    const native = await postJson(`${server.url}/embed`, { inputs: ['我喜欢看电影'], model: 'local', task: 'RETRIEVAL_DOCUMENT' });
    expect(out.embeddings[0].values).toHaveLength(512);
    expect(maxDiff(out.embeddings[0].values, native.json.embeddings[0].values)).toBeLessThan(1e-6);
    expect(fake.calls).toHaveLength(0);
  });

  it('gets NotFound for a model the gateway does not serve', async () => {
    const out = await sdk({ model: 'text-bison@001', inputs: [{ text: 'x' }] });
    expect(out.error).toMatchObject({ type: 'NotFound', code: 404 });
    expect(out.error.message).toMatch(/publishers\/google\/models\/text-bison@001/);
  });
});
