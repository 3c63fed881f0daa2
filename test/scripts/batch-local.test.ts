// `npm run batch:local` then the CLI: the script (run twice: it must be rerunnable) creates the
// topics and the push subscription on the Pub/Sub emulator, starts fake-gcs-server with a bucket,
// and jobs submitted with the printed env reach the dev server's embedBatch and are followed to
// done: one with inline items, one gs:// job whose file the CLI uploads to the fake.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageClient } from '../../shared/batch/gcs.js';
import { freePort, portOpen } from '../../scripts/lib/ports.js';
import { sampleTexts, uniquePrefix } from '../helpers/pubsub.js';
import { startTestServer } from '../helpers/server.js';

const root = path.resolve(__dirname, '../..');
const project = uniquePrefix('i14blocal');
let server: Awaited<ReturnType<typeof startTestServer>>;
const children: ChildProcess[] = [];
// The fake's port is chosen here (not the default 4443, which a developer's own may hold) so the
// dev server can be told where Cloud Storage is before batch:local starts it there.
let gcsPort: number;

beforeAll(async () => {
  gcsPort = await freePort();
  server = await startTestServer({
    RESULTS_TOPIC: `projects/${project}/topics/embeddings-results`, BATCH_SHARD_MAX_ITEMS: '20', BATCH_STATE_STORE: 'memory', CACHE_L1_BYTES: '0', CACHE_STORE: 'none',
    STORAGE_EMULATOR_HOST: `http://127.0.0.1:${gcsPort}`, BATCH_INPUT_SHARD_BYTES: '2048',
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

const cleanEnv = () => ({ ...process.env, PUBSUB_EMULATOR_HOST: undefined, METADATA_SERVER_DETECTION: undefined, RESULTS_TOPIC: undefined, STORAGE_EMULATOR_HOST: undefined });

/** Runs batch:local until it prints its export line; returns the env it prints and its stderr. */
function batchLocal(): Promise<{ env: Record<string, string>; stderr: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/batch-local.ts', '--project', project, '--url', server.url, '--gcs-port', String(gcsPort)], { cwd: root, env: cleanEnv() });
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
  it('sets up the emulator topics, push subscription and Cloud Storage fake; jobs submitted with its env are embedded and followed to done', { timeout: 300_000 }, async () => {
    const first = await batchLocal();
    expect(first.stderr).toContain(`fake-gcs-server at http://127.0.0.1:${gcsPort} (started); bucket gs://local-batch`);
    // Ctrl-C stops the fake it started (and only that: the Pub/Sub emulator was already running).
    first.child.kill('SIGTERM');
    await once(first.child, 'exit');
    for (const stop = Date.now() + 10_000; await portOpen(gcsPort);) {
      if (Date.now() > stop) throw new Error('batch:local left fake-gcs-server running after SIGTERM');
      await new Promise((r) => setTimeout(r, 50));
    }
    const { env, stderr } = await batchLocal();
    expect(env).toEqual({
      PUBSUB_EMULATOR_HOST: '127.0.0.1:8085', RESULTS_TOPIC: `projects/${project}/topics/embeddings-results`,
      JOBS_TOPIC: `projects/${project}/topics/embeddings-jobs`, GATEWAY_URL: server.url, STORAGE_EMULATOR_HOST: `http://127.0.0.1:${gcsPort}`,
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

    // A gs:// job from the same three commands: the CLI uploads the file to the fake batch:local
    // started, the dev server reads it in byte-range shards and writes Vertex output beside it.
    const lines = sampleTexts(60, 94_000).map((text, i) => JSON.stringify({ id: `g${i}`, text }));
    writeFileSync(path.join(dir, 'docs.jsonl'), `${lines.join('\n')}\n`);
    const gs = await runCli(['--jobs-topic', env.JOBS_TOPIC!, '--in', path.join(dir, 'docs.jsonl'), '--input-uri', 'gs://local-batch/in/docs.jsonl',
      '--output-uri-prefix', 'gs://local-batch/out', '--follow', '--interval', '0.2', '--timeout', '180'], env);
    expect(gs.code, gs.stderr).toBe(0);
    expect(gs.stderr).toContain('uploaded to gs://local-batch/in/docs.jsonl');
    expect(gs.stderr).not.toMatch(/metadata/i);
    const status = JSON.parse(gs.stdout);
    expect(status).toMatchObject({ state: 'done', items: { total: 60, embedded: 60, failed: 0 }, shards: { unread: 0 } });
    expect(status.shards.total).toBeGreaterThan(1);
    const storage = await storageClient(env.STORAGE_EMULATOR_HOST!);
    const [files] = await storage.bucket('local-batch').getFiles({ prefix: `out/prediction-${status.job_id}-` });
    const out: any[] = [];
    for (const file of files) out.push(...(await file.download())[0].toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)));
    expect(out.map((line) => line.instance.id).sort()).toEqual(lines.map((_, i) => `g${i}`).sort());
    expect(out.every((line) => line.status === '' && line.predictions[0].embeddings.values.length === 512)).toBe(true);
  });
});
