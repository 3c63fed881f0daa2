// gs:// jobs with a byte range that cannot be read: fake-gcs-server behind a proxy that refuses
// the ranged reads of one shard, as Cloud Storage does when the planned generation is gone (404:
// replaced or deleted after planning) or access was revoked (403). Nothing is lost: the other
// shards are embedded, the unread range gets one shard-level error in each output form, and the
// job's status says it failed with that shard unread. With BATCH_MAX_ATTEMPTS=1 a transient
// failure gives up on its first delivery.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFakeGcs, fakeGcsArgs } from '../../scripts/lib/fake-gcs.js';
import { freePort, waitForPort } from '../../scripts/lib/ports.js';
import { loadRowsSchema, rowProblems } from '../helpers/bq-schema.js';
import { PubSubFixture, sampleTexts, uniquePrefix, type Collector } from '../helpers/pubsub.js';
import { startTestServer } from '../helpers/server.js';

const SHARD_BYTES = 1024;
const fx = new PubSubFixture(uniquePrefix('i14unread'));
let gcs: ChildProcess;
let proxy: http.Server;
let storage: Storage;
let server: Awaited<ReturnType<typeof startTestServer>>;
let results: Collector;
/** "<object name>@<first byte of a ranged read>" -> the status the proxy answers instead. */
const faults = new Map<string, number>();

beforeAll(async () => {
  const gcsPort = await freePort();
  gcs = spawn(ensureFakeGcs(), fakeGcsArgs(gcsPort), { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(gcsPort, 'fake-gcs-server', 30_000);
  proxy = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://proxy');
    const from = /^bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1];
    const object = decodeURIComponent(url.pathname.split('/o/')[1] ?? '');
    const status = req.method === 'GET' && url.searchParams.get('alt') === 'media' && from !== undefined ? faults.get(`${object}@${from}`) : undefined;
    if (status) {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: status, message: `refused by the test (${status})` } }));
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port: gcsPort, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const host = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  storage = new Storage({ apiEndpoint: `http://127.0.0.1:${gcsPort}`, projectId: 'test-proj' });
  (storage as unknown as { baseUrl: string }).baseUrl = `http://127.0.0.1:${gcsPort}/storage/v1`;
  await storage.createBucket('inputs');
  await storage.createBucket('outputs');
  results = await fx.collect(await fx.topic('results'));
  server = await startTestServer({
    RESULTS_TOPIC: fx.topicPath('results'), STORAGE_EMULATOR_HOST: host, BATCH_STATE_STORE: 'memory',
    BATCH_INPUT_SHARD_BYTES: String(SHARD_BYTES), BATCH_MAX_ATTEMPTS: '1', CACHE_L1_BYTES: '0', CACHE_STORE: 'none',
  });
  await fx.push(await fx.topic('jobs'), server.url);
}, 180_000);

afterAll(async () => {
  await server?.close();
  await fx.cleanup();
  proxy?.close();
  gcs?.kill();
});

/** Uploads about three shards of {"id", "text"} lines; returns each id's byte offset. */
async function upload(name: string): Promise<Map<string, number>> {
  const lines: string[] = [];
  const offsets = new Map<string, number>();
  let at = 0;
  for (const [i, text] of sampleTexts(200, 7_000).entries()) {
    const line = JSON.stringify({ id: `${name}-${i}`, text });
    if (at + Buffer.byteLength(line) + 1 > 2.8 * SHARD_BYTES) break;
    lines.push(line);
    offsets.set(`${name}-${i}`, at);
    at += Buffer.byteLength(line) + 1;
  }
  expect(at).toBeGreaterThan(2 * SHARD_BYTES);
  await storage.bucket('inputs').file(name).save(`${lines.join('\n')}\n`, { resumable: false });
  return offsets;
}

/** Shard 1 owns the lines starting in [SHARD_BYTES, 2 * SHARD_BYTES); its read starts a byte early. */
const inShard1 = (offset: number) => offset >= SHARD_BYTES && offset < 2 * SHARD_BYTES;
const refuseShard1 = (name: string, status: number) => faults.set(`${name}@${SHARD_BYTES - 1}`, status);

async function finalStatus(jobId: string) {
  const stop = Date.now() + 240_000;
  for (;;) {
    const res = await fetch(`${server.url}/jobs/${jobId}`);
    const status = res.ok ? ((await res.json()) as any) : undefined;
    if (status && status.state !== 'running') return status;
    if (Date.now() > stop) throw new Error(`${jobId} did not finish: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const jobs = () => fx.client.topic(fx.topicPath('jobs'));

describe('gs:// jobs with an unreadable byte range', () => {
  it('a range whose generation is gone (404): one shard error naming it, the other shards embedded, the job failed', { timeout: 300_000 }, async () => {
    const offsets = await upload('gone.jsonl');
    refuseShard1('gone.jsonl', 404);
    await fx.publishJob(jobs(), { job_id: 'unread-404', input_uri: 'gs://inputs/gone.jsonl' });
    const status = await finalStatus('unread-404');
    // The status is final once every shard was published; the drain makes sure the collector has
    // received those messages too (delivery to the test's subscription can lag the publish).
    await results.drain();

    const lost = [...offsets].filter(([, offset]) => inShard1(offset)).map(([id]) => id);
    expect(lost.length).toBeGreaterThan(5);
    expect(status).toMatchObject({ state: 'failed', shards: { total: 3, done: 3, unread: 1 }, items: { total: null, embedded: offsets.size - lost.length, failed: 0 } });
    const messages = results.forJob('unread-404');
    const shardErrors = messages.filter((m) => m.attributes.kind === 'shard_error');
    expect(shardErrors).toHaveLength(1);
    expect(shardErrors[0]!.attributes).toMatchObject({ result_id: 'unread-404#1', shard: '1', shards: '3', items: '0', errors: '1' });
    expect(shardErrors[0]!.body).toMatchObject({
      shard: 1, items: [], input_range: { start: SHARD_BYTES, end: 2 * SHARD_BYTES },
      error: { type: 'not_found', field: `input_uri@${SHARD_BYTES}-${2 * SHARD_BYTES}`, message: expect.stringMatching(/can no longer be read/) },
    });
    // Every other line has its vector; the ones missing are exactly those the error's range holds.
    const items = results.items('unread-404');
    expect(items.every((item) => item.vectors && !item.error)).toBe(true);
    expect(new Set(items.map((item) => item.id))).toEqual(new Set([...offsets.keys()].filter((id) => !lost.includes(id))));
  });

  it('rows: a range still refused (403) on the last delivery is one schema-valid shard error row, the rest give up per item', { timeout: 300_000 }, async () => {
    const offsets = await upload('revoked.jsonl');
    refuseShard1('revoked.jsonl', 403);
    await fx.publishJob(jobs(), { job_id: 'unread-403', input_uri: 'gs://inputs/revoked.jsonl', output: 'rows' });
    const status = await finalStatus('unread-403');
    await results.drain();

    const ids = [...offsets.keys()];
    const shard0 = ids.filter((id) => offsets.get(id)! < SHARD_BYTES);
    const shard2 = ids.filter((id) => offsets.get(id)! >= 2 * SHARD_BYTES);
    expect(status).toMatchObject({ state: 'failed', shards: { total: 3, done: 3, unread: 1 }, items: { total: null, embedded: shard0.length, failed: shard2.length } });
    const rows = results.forJob('unread-403').map((m) => ({ kind: m.attributes.kind, row: m.body }));
    const schema = loadRowsSchema();
    for (const { row } of rows) expect(rowProblems(row, schema), JSON.stringify(row)).toEqual([]);
    const shardError = rows.filter((r) => r.kind === 'shard_error');
    expect(shardError).toHaveLength(1);
    expect(shardError[0]!.row).toMatchObject({
      item_id: null, model: null, embedding: [], result_id: 'unread-403#shard-1#error',
      error: { type: 'forbidden', field: `input_uri@${SHARD_BYTES}-${2 * SHARD_BYTES}`, message: expect.stringMatching(/^Gave up after 1 deliveries: .*may not read/) },
    });
    expect(new Set(rows.filter((r) => r.kind === 'row').map((r) => r.row.item_id))).toEqual(new Set(shard0));
    const gaveUp = rows.filter((r) => r.kind === 'item_error');
    expect(new Set(gaveUp.map((r) => r.row.item_id))).toEqual(new Set(shard2));
    expect(gaveUp.every((r) => /^Gave up after 1 deliveries/.test(r.row.error.message))).toBe(true);
  });

  it('Vertex output: the unread shard\'s file holds one failed line naming the range', { timeout: 300_000 }, async () => {
    const offsets = await upload('vertex-gone.jsonl');
    refuseShard1('vertex-gone.jsonl', 404);
    await fx.publishJob(jobs(), { job_id: 'unread-vertex', input_uri: 'gs://inputs/vertex-gone.jsonl', output_uri_prefix: 'gs://outputs/unread' });
    expect(await finalStatus('unread-vertex')).toMatchObject({ state: 'failed', shards: { total: 3, done: 3, unread: 1 } });

    const [files] = await storage.bucket('outputs').getFiles({ prefix: 'unread/' });
    const byShard = new Map<number, any[]>();
    for (const file of files) {
      const shard = Number(/predictions_(\d{5})\.jsonl$/.exec(file.name)![1]) - 1;
      const [data] = await file.download();
      byShard.set(shard, data.toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)));
    }
    expect([...byShard.keys()].sort()).toEqual([0, 1, 2]);
    expect(byShard.get(1)).toEqual([{
      instance: { input_uri: 'gs://inputs/vertex-gone.jsonl', byte_range: [SHARD_BYTES, 2 * SHARD_BYTES] },
      predictions: [], status: expect.stringMatching(/^not_found: .*can no longer be read/),
    }]);
    const embedded = [...byShard.get(0)!, ...byShard.get(2)!];
    expect(embedded.every((line) => line.status === '' && line.predictions[0].embeddings.values.length === 512)).toBe(true);
    expect(embedded.map((line) => line.instance.id).sort()).toEqual([...offsets].filter(([, o]) => !inShard1(o)).map(([id]) => id).sort());
  });
});
