// The batch CLI round-trips a JSONL file through the Pub/Sub emulator and the embedBatch
// function served by the real functions-framework.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PubSubFixture, sampleTexts, uniquePrefix } from '../helpers/pubsub.js';
import { postJson, startTestServer } from '../helpers/server.js';

const root = path.resolve(__dirname, '../..');
const fx = new PubSubFixture(uniquePrefix('b6cli'));
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  await fx.topic('results');
  server = await startTestServer({ RESULTS_TOPIC: fx.topicPath('results'), BATCH_SHARD_MAX_ITEMS: '40', CACHE_L1_BYTES: '0', CACHE_STORE: 'none' });
  await fx.push(await fx.topic('jobs'), server.url);
});

afterAll(async () => {
  await server?.close();
  await fx.cleanup();
});

function runCli(args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/batch-cli.ts', ...args], { cwd: root, env: process.env });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (c) => (stdout += c));
    child.on('exit', (code) => resolve({ code, stderr, stdout }));
  });
}

describe('npm run batch', () => {
  it('submits a JSONL file as jobs and writes every item result once, with a summary', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'batch-cli-'));
    const texts = sampleTexts(230, 40_000);
    texts[17] = '   '; // cannot be embedded: one error line, the rest unaffected
    const lines = texts.map((text, i) => JSON.stringify({ id: `doc-${i}`, text }));
    writeFileSync(path.join(dir, 'in.jsonl'), `${lines.join('\n')}\n\n`);

    const res = await runCli([
      '--jobs-topic', fx.topicPath('jobs'), '--results-topic', fx.topicPath('results'),
      '--in', path.join(dir, 'in.jsonl'), '--out', path.join(dir, 'out.jsonl'), '--job-size', '100', '--timeout', '180',
    ]);
    expect(res.code, res.stderr).toBe(0);

    const out = readFileSync(path.join(dir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(230);
    expect(new Set(out.map((l) => l.id)).size).toBe(230);
    expect(new Set(out.map((l) => l.job_id)).size).toBe(3);
    const byId = new Map(out.map((l) => [l.id, l]));
    expect(byId.get('doc-17').error).toMatchObject({ type: 'invalid_request' });
    const reference = await postJson(`${server.url}/embed`, { inputs: [texts[0], texts[229]] });
    expect(byId.get('doc-0').vectors).toEqual({ [reference.json.model]: reference.json.embeddings[0].values });
    expect(byId.get('doc-229').vectors).toEqual({ [reference.json.model]: reference.json.embeddings[1].values });

    const summary = JSON.parse(res.stderr.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ items: 230, answered: 230, errors: 1, jobs: 3, models: [reference.json.model] });
    expect(res.stderr).toMatch(/\[#{30}\] 230\/230 items, 1 errors/);
  });

  it('refuses a malformed input file by line number before publishing anything', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'batch-cli-'));
    writeFileSync(path.join(dir, 'in.jsonl'), '{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n');
    const res = await runCli(['--jobs-topic', fx.topicPath('jobs'), '--results-topic', fx.topicPath('results'),
      '--in', path.join(dir, 'in.jsonl'), '--out', path.join(dir, 'out.jsonl')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/in\.jsonl:2: id "a" repeats line 1/);
  });
});
