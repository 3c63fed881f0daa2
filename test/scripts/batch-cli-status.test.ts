// `npm run batch -- status <job_id>` and `--follow`: the real CLI against the dev server (API key
// auth on) while embedBatch runs jobs pushed by the Pub/Sub emulator; it reads GET /jobs/{job_id}.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../shared/auth/api-keys.js';
import { withFaults } from '../helpers/faults.js';
import { PubSubFixture, sampleTexts, uniquePrefix } from '../helpers/pubsub.js';
import { serveGateway, startTestServer } from '../helpers/server.js';

const root = path.resolve(__dirname, '../..');
const KEY = 'cli-status-test-key';
const fx = new PubSubFixture(uniquePrefix('i14bcli'));
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  await fx.collect(await fx.topic('results'));
  server = await startTestServer({
    RESULTS_TOPIC: fx.topicPath('results'), BATCH_SHARD_MAX_ITEMS: '20', BATCH_MAX_ATTEMPTS: '2', BATCH_STATE_STORE: 'memory',
    CACHE_L1_BYTES: '0', CACHE_STORE: 'none', AUTH_MODE: 'api_key', API_KEYS: `cli:${sha256Hex(KEY)}`,
  });
});

afterAll(async () => {
  await server?.close();
  await fx.cleanup();
});

function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    // No METADATA_SERVER_DETECTION from the test setup: the CLI must set it itself for the emulator.
    const childEnv = { ...process.env, METADATA_SERVER_DETECTION: undefined, GATEWAY_URL: server.url, GATEWAY_API_KEY: KEY, ...env };
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/batch-cli.ts', ...args], { cwd: root, env: childEnv });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (c) => (stdout += c));
    child.on('exit', (code) => resolve({ code, stderr, stdout }));
  });
}

function inputFile(texts: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'batch-cli-status-'));
  const file = path.join(dir, 'in.jsonl');
  writeFileSync(file, texts.map((text, i) => JSON.stringify({ id: `doc-${i}`, text })).join('\n'));
  return file;
}

const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l));

describe('npm run batch -- --follow / status', () => {
  it('follows submitted jobs by status until done, then `status` prints the same record', async () => {
    const topic = await fx.topic('jobs-ok');
    await fx.push(topic, server.url);
    const texts = sampleTexts(70, 91_000);
    texts[3] = '  '; // one item error
    const res = await runCli(['--jobs-topic', fx.topicPath('jobs-ok'), '--in', inputFile(texts), '--job-size', '40', '--follow', '--interval', '0.2', '--timeout', '180']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).not.toMatch(/metadata/i);
    const finals = lines(res.stdout);
    expect(finals).toHaveLength(2);
    expect(finals[0]).toMatchObject({ state: 'done', shards: { total: 2, done: 2 }, items: { total: 40, embedded: 39, failed: 1 }, deliveries: 1 });
    expect(finals[1]).toMatchObject({ state: 'done', shards: { total: 2, done: 2 }, items: { total: 30, embedded: 30, failed: 0 }, deliveries: 1 });
    expect(res.stderr).toContain(`batch: ${finals[0].job_id}: done, shards 2/2, items 39 embedded + 1 failed of 40`);

    const status = await runCli(['status', finals[1].job_id]);
    expect(status.code, status.stderr).toBe(0);
    expect(lines(status.stdout)).toEqual([finals[1]]);
    expect(status.stderr).not.toMatch(/metadata/i);
  });

  it('exits 1 with the failed state when a job gives up', async () => {
    const texts = sampleTexts(30, 92_000);
    // Pushed to a server whose provider fails; the CLI follows the job on the test's server, which
    // reads the same completion store.
    const failing = await serveGateway(withFaults(server.gateway, (inputs) => inputs.some((input) => input.text === texts[25])));
    try {
      const topic = await fx.topic('jobs-fail');
      await fx.push(topic, failing.url);
      const res = await runCli(['--jobs-topic', fx.topicPath('jobs-fail'), '--in', inputFile(texts), '--follow', '--interval', '0.2', '--timeout', '180']);
      expect(res.code, res.stderr).toBe(1);
      expect(lines(res.stdout)).toEqual([expect.objectContaining({ state: 'failed', items: { total: 30, embedded: 20, failed: 10 }, deliveries: 2 })]);
    } finally {
      await failing.close();
    }
  });

  it('reports an unknown job and a wrong API key with exit 1', async () => {
    const missing = await runCli(['status', 'never-sent']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('job never-sent not found');
    const denied = await runCli(['status', 'never-sent', '--api-key', 'wrong']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/401 unauthenticated/);
  });
});
