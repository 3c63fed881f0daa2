// Starts bench/lib/python-peer.py in a venv under .bench/ (made on first use with pip from
// scripts/model/requirements.txt) and talks to it one JSON line at a time.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './server-process.js';

export interface PythonPeer {
  /** Milliseconds the peer took to tokenize and embed the texts in length-sorted batches of `batch`. */
  embed(texts: string[], batch: number): Promise<number>;
  stop(): void;
}

export async function startPythonPeer(modelDir: string): Promise<PythonPeer> {
  const venv = path.join(repoRoot, '.bench', 'venv');
  const python = path.join(venv, 'bin', 'python');
  if (!existsSync(python)) {
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '-q', '-r', path.join(repoRoot, 'scripts/model/requirements.txt')], { stdio: 'inherit' });
  }
  const child = spawn(python, [path.join(repoRoot, 'bench/lib/python-peer.py'), modelDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the Python peer exited');
    return JSON.parse(value as string);
  };
  await next(); // ready
  return {
    async embed(texts, batch) {
      child.stdin!.write(JSON.stringify({ texts, batch }) + '\n');
      return (await next()).ms as number;
    },
    stop: () => child.kill(),
  };
}
