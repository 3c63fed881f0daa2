// Every dist/<function> runs under functions-framework as Cloud Functions runs it: from a folder
// outside the repository, with node_modules holding only what its package.json declares, and
// the model read from the bundle's own models/ folder.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes, type RouteEntry } from '../../shared/routes.js';
import { buildAll, repoRoot } from '../../scripts/build.js';
import { MODEL_SUBDIR, type BundleResult } from '../../scripts/build/bundle.js';
import { lockVersions } from '../../scripts/build/manifest.js';
import { linkDeclaredDependencies, startBundle, type RunningBundle } from '../../scripts/build/run-bundle.js';
import { testGateway } from '../helpers/gateway.js';
import { PubSubFixture, uniquePrefix } from '../helpers/pubsub.js';

const TEXT = '我喜欢看电影';
// What the Terraform module sets, minus Google Cloud: no project, so no Vertex and no network.
const productionEnv = { GATEWAY_ENV: 'production', ALLOW_UNAUTHENTICATED: 'true', CACHE_STORE: 'none', LOG_LEVEL: 'error' };

let outDir: string;
let built: BundleResult[];
let reference: number[];
const running: RunningBundle[] = [];

async function start(name: string, env: Record<string, string> = {}, dir = path.join(outDir, name)): Promise<RunningBundle> {
  const bundle = await startBundle(dir, name, { ...productionEnv, ...env });
  running.push(bundle);
  return bundle;
}

async function call(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: any;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text };
}

const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function maxDiff(a: number[], b: ArrayLike<number>): number {
  expect(a).toHaveLength(b.length);
  return a.reduce((max, v, i) => Math.max(max, Math.abs(v - b[i]!)), 0);
}

beforeAll(async () => {
  // Outside the repository, so nothing resolves from its node_modules or models/.
  outDir = await mkdtemp(path.join(os.tmpdir(), 'gateway-dist-'));
  built = await buildAll({ outDir });
  for (const result of built) await linkDeclaredDependencies(result.dir, repoRoot);
  const gw = testGateway();
  const result = await gw.local.embed([{ text: TEXT }], { task: 'RETRIEVAL_DOCUMENT', truncate: true });
  reference = Array.from(result.vectors[0]!.values);
}, 300_000);

afterAll(async () => {
  await Promise.all(running.map((b) => b.stop()));
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('npm run build', () => {
  it('builds one folder per function in routes.ts', () => {
    expect(built.map((b) => b.name).sort()).toEqual(routes.map((r) => r.name).sort());
  });

  it.each(routes.map((r) => [r.name, r] as [string, RouteEntry]))('%s: index.js, a minimal package.json, the model only if it runs it', async (name, route) => {
    const dir = path.join(outDir, name);
    expect(existsSync(path.join(dir, 'index.js'))).toBe(true);
    expect(existsSync(path.join(dir, MODEL_SUBDIR, 'onnx/model_quantized.onnx'))).toBe(route.usesLocalModel);
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ type: 'module', main: 'index.js' });
    expect(pkg.devDependencies).toBeUndefined();
    const locked = lockVersions(repoRoot);
    for (const [dep, version] of Object.entries(pkg.dependencies as Record<string, string>)) expect(version, dep).toBe(locked[dep]);
    // The runtime serves what was registered with its own copy of the framework.
    expect(pkg.dependencies['@google-cloud/functions-framework']).toBeDefined();
    // transformers.js is bundled; it loads the native runtime at run time.
    if (route.usesLocalModel) expect(pkg.dependencies['onnxruntime-node']).toBeDefined();
    expect(pkg.dependencies['@huggingface/transformers']).toBeUndefined();
    expect(pkg.dependencies.sharp).toBeUndefined();
  });
});

describe('dist bundles under functions-framework', () => {
  it('embed answers with the vector the repository computes, from the bundle\'s own model', async () => {
    const fn = await start('embed');
    const res = await call(`${fn.url}/`, post({ inputs: [TEXT] }));
    expect(res.status, res.text).toBe(200);
    expect(res.json.provider).toBe('local');
    expect(maxDiff(res.json.embeddings[0].values, reference)).toBeLessThan(1e-6);
  });

  it('health answers, and loads the model on ?load=1', async () => {
    const fn = await start('health');
    const res = await call(`${fn.url}/?load=1`);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', local: { loaded: true } });
  });

  it('a bundle whose models/ folder is gone cannot load a model (it reads no other copy)', async () => {
    const dir = path.join(outDir, 'health-without-model');
    await cp(path.join(outDir, 'health'), dir, { recursive: true, verbatimSymlinks: true });
    await rm(path.join(dir, 'models'), { recursive: true, force: true });
    const fn = await start('health', {}, dir);
    const res = await call(`${fn.url}/?load=1`);
    expect(res.status).toBeGreaterThanOrEqual(500);
    await fn.waitForOutput('holds no config.json');
    // It looked beside the bundle, never in the repository's models/.
    expect(fn.output()).toContain(`LOCAL_MODEL_DIR: ${outDir}`);
    expect(fn.output()).not.toContain(path.join(repoRoot, 'models'));
  });

  it('openaiEmbeddings answers in OpenAI\'s shape', async () => {
    const fn = await start('openaiEmbeddings');
    const res = await call(`${fn.url}/`, post({ input: TEXT, model: 'text-embedding-3-small' }));
    expect(res.status, res.text).toBe(200);
    expect(maxDiff(res.json.data[0].embedding, reference)).toBeLessThan(1e-6);
  });

  it('vertexPredict answers at its Vertex path', async () => {
    const fn = await start('vertexPredict');
    const res = await call(`${fn.url}/v1/projects/test-proj/locations/us-central1/publishers/google/models/local:predict`, post({ instances: [{ content: TEXT, task_type: 'RETRIEVAL_DOCUMENT' }] }));
    expect(res.status, res.text).toBe(200);
    expect(maxDiff(res.json.predictions[0].embeddings.values, reference)).toBeLessThan(1e-6);
  });

  it('chunk splits by the bundled tokenizer', async () => {
    const fn = await start('chunk');
    const res = await call(`${fn.url}/`, post({ text: '我喜欢看电影。今天股市大跌！', max_tokens: 8 }));
    expect(res.status, res.text).toBe(200);
    expect(res.json.chunks.map((c: { text: string }) => c.text)).toEqual(['我喜欢看电影。', '今天股市大跌！']);
  });

  it('similarity ranks 我爱看电影 first', async () => {
    const fn = await start('similarity');
    const res = await call(`${fn.url}/`, post({ query: TEXT, texts: ['今天股市大跌', '我爱看电影'] }));
    expect(res.status, res.text).toBe(200);
    expect(res.json.scores[0].text).toBe('我爱看电影');
  });

  it('playground serves its page and files from the bundle alone (built at npm run build, no esbuild at run time)', async () => {
    const pkg = JSON.parse(await readFile(path.join(outDir, 'playground', 'package.json'), 'utf8'));
    // What httpRoute needs at run time, nothing of the page's build and no model runtime.
    expect(pkg.dependencies['@google-cloud/functions-framework']).toBeDefined();
    for (const dep of ['esbuild', 'swagger-ui-dist', 'onnxruntime-node', '@huggingface/transformers']) expect(pkg.dependencies[dep], dep).toBeUndefined();
    const urls = { similarity: 'https://us-central1-p.cloudfunctions.net/gw-similarity' };
    const fn = await start('playground', { ROUTE_URLS: JSON.stringify(urls) });
    const page = await fetch(`${fn.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self' https://us-central1-p.cloudfunctions.net");
    const html = await page.text();
    expect(html).toContain('"similarity":"https://us-central1-p.cloudfunctions.net/gw-similarity"');
    const js = await fetch(`${fn.url}/?asset=app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toContain('page-config');
  });

  it('docs serves Swagger UI from the bundle, openapi the document with each function\'s URL', async () => {
    const docs = await start('docs');
    const css = await fetch(`${docs.url}/?asset=swagger-ui.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const openapi = await start('openapi', { ROUTE_URLS: JSON.stringify({ embed: 'https://us-central1-p.cloudfunctions.net/gw-embed' }) });
    const doc = await call(`${openapi.url}/`);
    expect(doc.status, doc.text).toBe(200);
    expect(doc.json.openapi).toBe('3.1.0');
    expect(doc.json.paths['/embed'].post.servers).toEqual([{ url: 'https://us-central1-p.cloudfunctions.net/gw-embed' }]);
  });

  // Functions without a request above (added since): the bundle must load, register and answer
  // through the gateway's error shape, never crash.
  const known = new Set(['embed', 'health', 'openaiEmbeddings', 'vertexPredict', 'embedBatch', 'chunk', 'similarity', 'playground', 'docs', 'openapi']);
  const others = routes.filter((r) => r.kind === 'http' && !known.has(r.name)).map((r) => [r.name] as [string]);
  it.skipIf(others.length === 0).each(others)('%s starts and answers JSON', async (name) => {
    const fn = await start(name);
    const res = await call(`${fn.url}/`, post({}));
    expect(res.status).toBeLessThan(500);
    expect(res.json, res.text).toBeDefined();
  });
});

describe('embedBatch bundle', () => {
  const pushEnvelope = (job: unknown) => ({
    message: { data: Buffer.from(JSON.stringify(job)).toString('base64'), messageId: randomUUID(), attributes: {} },
    subscription: 'projects/test-proj/subscriptions/jobs-push',
  });

  it('takes a job from a push subscription (as Terraform wires it) and publishes its result to RESULTS_TOPIC', async () => {
    const fx = new PubSubFixture(uniquePrefix('build-test'));
    try {
      const jobs = await fx.topic('jobs');
      const results = await fx.topic('results');
      const collector = await fx.collect(results);
      const fn = await start('embedBatch', { RESULTS_TOPIC: results.name, PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST! });
      await fx.push(jobs, fn.url);
      const jobId = uniquePrefix('job');
      await fx.publishJob(jobs, { job_id: jobId, items: [{ id: 'a', text: TEXT }], models: ['local'] });
      await collector.untilItems(jobId, 1, 60_000);
      const vectors = Object.values(collector.items(jobId)[0].vectors as Record<string, number[]>);
      expect(vectors).toHaveLength(1);
      expect(maxDiff(vectors[0]!, reference)).toBeLessThan(1e-6);
    } finally {
      await fx.cleanup();
    }
  });

  it('without RESULTS_TOPIC it refuses the delivery (Pub/Sub retries) and says why', async () => {
    const fn = await start('embedBatch');
    const res = await call(`${fn.url}/projects/test-proj/topics/build-test-jobs`, post(pushEnvelope({ job_id: 'x', items: [{ id: 'a', text: TEXT }] })));
    expect(res.status).toBeGreaterThanOrEqual(500);
    await fn.waitForOutput('RESULTS_TOPIC');
  });
});
