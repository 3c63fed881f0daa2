// Probe: an inference worker dies (as on ERR_WORKER_OUT_OF_MEMORY). The request it held is
// answered (retried on another worker), the next ones succeed, /healthz reports the restart;
// and when no worker can start at all, requests get a clear 503 and /healthz is not ok.
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../shared/gateway.js';
import { postJson, startTestServer } from '../helpers/server.js';

const env = { LOCAL_WORKERS: '2', CACHE_L1_BYTES: '0', LOG_LEVEL: process.env.TEST_LOG ?? 'error' };
const faultyWorker = new URL('../providers/local/fixtures/faulty-worker.mjs', import.meta.url);
const dieFlag = path.join(os.tmpdir(), `inference-worker-die-${process.pid}`);
let server: Awaited<ReturnType<typeof startTestServer>>;
let gw: Gateway;

beforeAll(async () => {
  process.env.TEST_INFERENCE_WORKER_DIE_FLAG = dieFlag;
  server = await startTestServer(env, { workerScript: faultyWorker });
  gw = server.gateway;
  expect((await fetch(`${server.url}/healthz?load=1`)).status).toBe(200);
});
afterAll(async () => {
  delete process.env.TEST_INFERENCE_WORKER_START;
  await gw.local.inferencePool()?.close();
  await server.close();
});

const health = async () => {
  const res = await fetch(`${server.url}/healthz`);
  return { status: res.status, body: await res.json() };
};

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (ok(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never: ${what}`);
}

// Long enough (about 200 tokens each) that the request is still running when a worker is killed.
const texts = Array.from({ length: 24 }, (_, i) => `第${i}段：` + '今天天气很好，我们一起去公园散步，看见很多人在放风筝。'.repeat(8));

describe('an inference worker that dies', () => {
  it('answers the request it held, serves the next ones, and /healthz counts the restart', async () => {
    expect((await health()).body.local.workers).toMatchObject({ size: 2, alive: 2, restarts: 0 });
    const reference = await postJson(`${server.url}/embed`, { inputs: texts.slice(0, 2) });
    expect(reference.status).toBe(200);

    const pending = postJson(`${server.url}/embed`, { inputs: texts });
    await until(async () => (await gw.local.health()).queued as number, (queued) => queued > 4, 'the request is queued');
    // The next worker to pick up a run exits holding it.
    writeFileSync(dieFlag, '');
    const answered = await pending;
    expect(answered.status).toBe(200);
    expect(existsSync(dieFlag)).toBe(false);
    expect(answered.json.embeddings).toHaveLength(texts.length);
    // The retried texts come out as they would have: the same vectors as an undisturbed run.
    expect(answered.json.embeddings[0].values).toEqual(reference.json.embeddings[0].values);
    expect(answered.json.embeddings[1].values).toEqual(reference.json.embeddings[1].values);

    const after = await until(health, (h) => h.body.local.workers.alive === 2, 'the replacement is serving');
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('ok');
    expect(after.body.local.workers.restarts).toBeGreaterThanOrEqual(1);
    expect(after.body.local.workers.retried).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 3; i++) expect((await postJson(`${server.url}/embed`, { inputs: [`之后的请求 ${i}`] })).status).toBe(200);
  });

  it('fails requests with a clear 503 and reports not ok while no worker can start, then heals', async () => {
    const pool = gw.local.inferencePool()!;
    process.env.TEST_INFERENCE_WORKER_START = 'fail';
    // Idle workers, so terminating them is safe (see the fixture).
    await Promise.all(pool.threads().map((worker) => worker.terminate()));
    const down = await until(health, (h) => h.body.local.workers.alive === 0, 'no worker alive');
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('degraded');

    const refused = await postJson(`${server.url}/embed`, { inputs: ['没有工人'] });
    expect(refused.status).toBe(503);
    expect(refused.json.error.type).toBe('upstream');
    expect(refused.json.error.message).toMatch(/inference workers cannot start/);

    // Workers started while the fault held may still fail a request or two; a client that
    // honours retry-after then gets its answer.
    delete process.env.TEST_INFERENCE_WORKER_START;
    const healed = await until(() => postJson(`${server.url}/embed`, { inputs: ['工人回来了'] }), (r) => r.status !== 503, 'a worker serves again');
    expect(healed.status).toBe(200);
    expect((await health()).status).toBe(200);
  });
});
