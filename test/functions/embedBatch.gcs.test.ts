// gs:// batch jobs against fake-gcs-server (the Cloud Storage JSON API, STORAGE_EMULATOR_HOST)
// and the Pub/Sub emulator: 10,000-line files in both input formats, planned into shards by
// byte ranges; results as shard messages, and as Vertex batch prediction output files.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Storage } from '@google-cloud/storage';
import { ensureFakeGcs, fakeGcsArgs } from '../../scripts/lib/fake-gcs.js';
import { freePort, waitForPort } from '../../scripts/lib/ports.js';
import { PubSubFixture, sampleTexts, uniquePrefix, type Collector } from '../helpers/pubsub.js';
import { postJson, startTestServer } from '../helpers/server.js';

const LINES = 10_000;
const fx = new PubSubFixture(uniquePrefix('i14gcs'));
let gcs: ChildProcess;
let storage: Storage;
let server: Awaited<ReturnType<typeof startTestServer>>;
let results: Collector;
const texts = sampleTexts(LINES, 120_000);

beforeAll(async () => {
  const port = await freePort();
  gcs = spawn(ensureFakeGcs(), fakeGcsArgs(port), { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, 'fake-gcs-server', 30_000);
  const host = `http://127.0.0.1:${port}`;
  storage = new Storage({ apiEndpoint: host, projectId: 'test-proj' });
  (storage as unknown as { baseUrl: string }).baseUrl = `${host}/storage/v1`;
  await storage.createBucket('inputs');
  await storage.createBucket('outputs');
  results = await fx.collect(await fx.topic('results'));
  server = await startTestServer({
    RESULTS_TOPIC: fx.topicPath('results'), STORAGE_EMULATOR_HOST: host, BATCH_STATE_STORE: 'memory',
    // About ten byte-range shards per file; each range's items go out in messages of at most 1,000.
    BATCH_INPUT_SHARD_BYTES: String(48 * 1024), BATCH_SHARD_MAX_ITEMS: '1000',
  });
  await fx.push(await fx.topic('jobs'), server.url);
}, 180_000);

afterAll(async () => {
  await server?.close();
  await fx.cleanup();
  gcs?.kill();
});

const jobs = () => fx.client.topic(fx.topicPath('jobs'));

async function status(jobId: string) {
  const res = await fetch(`${server.url}/jobs/${jobId}`);
  return (await res.json()) as any;
}

describe('gs:// batch jobs', () => {
  it('embeds a 10,000-line {"id", "text"} file once per line, results as shard messages', { timeout: 600_000 }, async () => {
    const body = texts.map((text, i) => JSON.stringify({ id: `doc-${i}`, text })).join('\n'); // no final newline
    await storage.bucket('inputs').file('docs/items.jsonl').save(body, { resumable: false });
    await fx.publishJob(jobs(), { job_id: 'gcs-ids', input_uri: 'gs://inputs/docs/items.jsonl' });
    await results.untilItems('gcs-ids', LINES, 500_000);

    const first = new Map<string, any>();
    for (const item of results.items('gcs-ids')) if (!first.has(item.id)) first.set(item.id, item);
    expect(first.size).toBe(LINES);
    expect([...first.values()].every((item) => item.vectors && !item.error)).toBe(true);
    const messages = results.forJob('gcs-ids');
    // Every line in exactly one shard: no line read by two ranges, none skipped.
    expect(messages.reduce((n, m) => n + m.body.items.length, 0)).toBe(LINES);
    expect(new Set(messages.map((m) => m.attributes.shard)).size).toBe(Number(messages[0]!.attributes.shards));
    expect(Number(messages[0]!.attributes.shards)).toBeGreaterThan(5);
    const reference = await postJson(`${server.url}/embed`, { inputs: [texts[0], texts[LINES - 1]] });
    expect(first.get('doc-0').vectors).toEqual({ [reference.json.model]: reference.json.embeddings[0].values });
    expect(first.get(`doc-${LINES - 1}`).vectors).toEqual({ [reference.json.model]: reference.json.embeddings[1].values });
    expect(await status('gcs-ids')).toMatchObject({ state: 'done', items: { total: LINES, embedded: LINES, failed: 0 } });
  });

  it('reads Vertex batch prediction input ({"content"}) and writes its output format under output_uri_prefix', { timeout: 600_000 }, async () => {
    const lines = texts.map((content) => JSON.stringify({ content }));
    lines.splice(4321, 0, '{"content": 42}', 'not json'); // two lines that fail alone
    await storage.bucket('inputs').file('vertex/input.jsonl').save(`${lines.join('\r\n')}\r\n`, { resumable: false });
    await fx.publishJob(jobs(), { job_id: 'gcs-vertex', input_uri: 'gs://inputs/vertex/input.jsonl', output_uri_prefix: 'gs://outputs/runs/1' });
    const stop = Date.now() + 500_000;
    while ((await status('gcs-vertex').catch(() => ({}))).state !== 'done') {
      if (Date.now() > stop) throw new Error('the gs:// job did not finish');
      await new Promise((r) => setTimeout(r, 500));
    }

    const [files] = await storage.bucket('outputs').getFiles({ prefix: 'runs/1/' });
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(file.name).toMatch(/^runs\/1\/prediction-gcs-vertex-bge-small-zh-v1\.5[^/]*\/predictions_\d{5}\.jsonl$/);
    const out: any[] = [];
    for (const file of files) {
      const [data] = await file.download();
      for (const line of data.toString('utf8').split('\n').filter(Boolean)) out.push(JSON.parse(line));
    }
    expect(out).toHaveLength(LINES + 2);
    const ok = out.filter((line) => line.status === '');
    expect(ok).toHaveLength(LINES);
    // Vertex's shape: the instance as sent, predictions[0].embeddings.values and statistics.
    for (const line of ok) {
      expect(Object.keys(line).sort()).toEqual(['instance', 'predictions', 'status']);
      expect(line.predictions).toHaveLength(1);
      expect(line.predictions[0].embeddings.values).toHaveLength(512);
      expect(Number.isInteger(line.predictions[0].embeddings.statistics.token_count)).toBe(true);
      expect(typeof line.predictions[0].embeddings.statistics.truncated).toBe('boolean');
    }
    expect(new Set(ok.map((line) => line.instance.content))).toEqual(new Set(texts));
    const failed = out.filter((line) => line.status !== '');
    expect(failed.map((line) => line.predictions)).toEqual([[], []]);
    expect(failed.map((line) => line.status).sort()).toEqual([expect.stringMatching(/^invalid_request: .*no "text"/), expect.stringMatching(/^invalid_request: .*not JSON/)].sort());
    expect(await status('gcs-vertex')).toMatchObject({ state: 'done', items: { total: LINES + 2, embedded: LINES, failed: 2 } });
    const sample = ok.find((line) => line.instance.content === texts[0]);
    const reference = await postJson(`${server.url}/embed`, { inputs: [texts[0]] });
    expect(sample.predictions[0].embeddings.values).toEqual(reference.json.embeddings[0].values);
  });

  it('refuses an input_uri that does not exist with a job error, once', async () => {
    await fx.publishJob(jobs(), { job_id: 'gcs-missing', input_uri: 'gs://inputs/nope.jsonl' });
    await results.until(() => results.forJob('gcs-missing').length > 0, 60_000, 'the job error');
    expect(results.forJob('gcs-missing')[0]!.body.error).toMatchObject({ type: 'not_found', field: 'input_uri' });
  });
});
