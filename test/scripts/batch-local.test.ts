// `npm run batch:local` then the CLI: the script (run twice: it must be rerunnable) creates the
// topics and the push subscription on the Pub/Sub emulator, and a job submitted with the printed
// env reaches the dev server's embedBatch and is followed to done.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetBatchDeps } from '../../shared/batch/handler.js';
import { sampleTexts, uniquePrefix } from '../helpers/pubsub.js';
import { startTestServer } from '../helpers/server.js';

const root = path.resolve(__dirname, '../..');
const project = uniquePrefix('i14blocal');
let server: Awaited<ReturnType<typeof startTestServer>>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startTestServer({
    RESULTS_TOPIC: `projects/${project}/topics/embeddings-results`, BATCH_SHARD_MAX_ITEMS: '20', BATCH_STATE_STORE: 'memory', CACHE_L1_BYTES: '0', CACHE_STORE: 'none',
  });
});

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await server?.close();
  const pubsub = new PubSub({ projectId: project });
  await pubsub.subscription('embeddings-jobs-push').delete().catch(() => undefined);
  for (const t of ['embeddings-jobs', 'embeddings-results']) await pubsub.topic(t).delete().catch(() => undefined);
  await pubsub.close();
});

const cleanEnv = () => ({ ...process.env, PUBSUB_EMULATOR_HOST: undefined, METADATA_SERVER_DETECTION: undefined, RESULTS_TOPIC: undefined });

/** Runs batch:local until it prints its export line; returns the env it prints and its stderr. */
function batchLocal(): Promise<{ env: Record<string, string>; stderr: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/batch-local.ts', '--project', project, '--url', server.url], { cwd: root, env: cleanEnv() });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (c) => {
      stdout += c;
      const line = /^export (.*)\n/m.exec(stdout);
      if (line) resolve({ env: Object.fromEntries(line[1]!.split(' ').map((kv) => kv.split('=') as [string, string])), stderr, child });
    });
    child.on('exit', (code) => reject(new Error(`batch:local exited ${code}: ${stderr}`)));
  });
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/batch-cli.ts', ...args], { cwd: root, env: { ...cleanEnv(), ...env } });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (c) => (stdout += c));
    child.on('exit', (code) => resolve({ code, stderr, stdout }));
  });
}

describe('npm run batch:local', () => {
  it('sets up the emulator topics and push subscription; a job submitted with its env is embedded and followed to done', async () => {
    resetBatchDeps();
    const first = await batchLocal();
    first.child.kill('SIGTERM');
    const { env, stderr } = await batchLocal();
    expect(env).toEqual({
      PUBSUB_EMULATOR_HOST: '127.0.0.1:8085', RESULTS_TOPIC: `projects/${project}/topics/embeddings-results`,
      JOBS_TOPIC: `projects/${project}/topics/embeddings-jobs`, GATEWAY_URL: server.url,
    });
    expect(stderr).toContain(`pushes to ${server.url}/projects/${project}/topics/embeddings-jobs`);
    expect(stderr).not.toMatch(/metadata/i);

    const pubsub = new PubSub({ projectId: project });
    const [sub] = await pubsub.subscription('embeddings-jobs-push').getMetadata();
    expect(sub.pushConfig?.pushEndpoint).toBe(`${server.url}/projects/${project}/topics/embeddings-jobs`);
    await pubsub.close();

    const dir = mkdtempSync(path.join(tmpdir(), 'batch-local-'));
    const texts = sampleTexts(25, 93_000);
    writeFileSync(path.join(dir, 'in.jsonl'), texts.map((text, i) => JSON.stringify({ id: `d${i}`, text })).join('\n'));
    const res = await runCli(['--jobs-topic', env.JOBS_TOPIC!, '--in', path.join(dir, 'in.jsonl'), '--follow', '--interval', '0.2', '--timeout', '180'], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).not.toMatch(/metadata/i);
    expect(JSON.parse(res.stdout)).toMatchObject({ state: 'done', shards: { total: 2, done: 2 }, items: { total: 25, embedded: 25, failed: 0 } });
  });
});
