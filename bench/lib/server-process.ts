// Starts the dev server as a child process, the way a user does (`npm start`) or without npm
// in between (`node --import tsx scripts/dev-server.ts`), on a free port, and reads its URL from
// the "dev server listening" log line. Each server gets its own process group so stopping it
// also stops npm's and tsx's children.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export type Launcher = 'npm start' | 'node --import tsx';

export interface ServerProcess {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the "dev server listening" line. */
  listeningMs: number;
  spawnedAt: number;
  /** Largest peak resident set (VmHWM) of any process in the server's tree, in KiB. */
  peakRssKiB(): number;
  stop(): Promise<void>;
}

/** The server's environment: the embedded default, with nothing from this shell's cloud settings. */
export function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT', 'AUTH_MODE', 'K_SERVICE', 'CACHE_STORE']) delete env[key];
  return { ...env, PORT: '0', GATEWAY_ENV: 'development', LOG_LEVEL: 'info', ...extra };
}

export async function spawnDevServer(launcher: Launcher, extraEnv: Record<string, string> = {}, timeoutMs = 120_000): Promise<ServerProcess> {
  const [command, args] = launcher === 'npm start'
    ? ['npm', ['start', '--silent']]
    : [process.execPath, ['--import', 'tsx', 'scripts/dev-server.ts']];
  const spawnedAt = performance.now();
  const child = spawn(command, args as string[], { cwd: repoRoot, env: serverEnv(extraEnv), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));

  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => fail(new Error(`${launcher}: no "dev server listening" line within ${timeoutMs} ms`)), timeoutMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      killGroup(child);
      reject(new Error(`${error.message}\n${stderr}`));
    }
    child.on('exit', (code) => fail(new Error(`${launcher} exited with ${code} before listening`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (const line of buffered.split('\n')) {
        if (!line.includes('dev server listening')) continue;
        try {
          const parsed = JSON.parse(line) as { url?: string };
          if (parsed.url) {
            clearTimeout(timer);
            child.removeAllListeners('exit');
            resolve(parsed.url);
          }
        } catch {
          // A partial line: the rest arrives with the next chunk.
        }
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
  });
  const listeningMs = performance.now() - spawnedAt;
  // Keep draining stdout so a chatty server never blocks on a full pipe.
  child.stdout!.resume();

  return {
    url,
    pid: child.pid!,
    listeningMs,
    spawnedAt,
    peakRssKiB: () => Math.max(0, ...processTree(child.pid!).map(vmHwmKiB)),
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      killGroup(child);
    }),
  };
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

/** The pid and every descendant, from /proc (Linux). */
export function processTree(rootPid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of stat is the parent pid; the command name before it may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Exited while we looked.
    }
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  }
  return tree;
}

export function vmHwmKiB(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

export async function postEmbed(url: string, inputs: string[]): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/embed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs, truncate: true }),
  });
  return { status: res.status, body: await res.json() };
}
