import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
let child: ChildProcess | undefined;
let stdout = '';

afterAll(() => {
  if (child?.pid) process.kill(-child.pid, 'SIGTERM');
});

function waitForListening(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk) => {
      out += chunk;
      stdout += chunk;
      const match = out.match(/"url":"(http:\/\/[^"]+)"/);
      if (match) resolve(match[1]!);
    });
    proc.on('exit', (code) => reject(new Error(`npm start exited with ${code}: ${out}`)));
  });
}

describe('npm start', () => {
  it('serves /embed on the bundled model with no Google project', async () => {
    const env = { ...process.env, PORT: '0', GOOGLE_CLOUD_PROJECT: '', GCLOUD_PROJECT: '', LOG_LEVEL: 'info' };
    child = spawn('npm', ['start', '--silent'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await waitForListening(child);
    const res = await fetch(`${url}/embed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: ['你好，世界'] }) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.provider).toBe('local');
    expect(body.embeddings[0].values).toHaveLength(512);
  });

  it('logs the playground\'s URL at start-up, and serves the page there', async () => {
    const url = stdout.match(/"playground":"(http:\/\/[^"]+)"/)?.[1];
    expect(url, stdout).toBeDefined();
    expect(stdout).toContain(`playground at ${url}`);
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Embedding gateway playground</title>');
  });
});
