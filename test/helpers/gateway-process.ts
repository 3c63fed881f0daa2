// A gateway in its own process (the dev server, as `npm start` runs it), with every JSON line it
// writes kept for the test to read: log lines are what Cloud Logging would see.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

export interface GatewayProcess {
  url: string;
  /** Every JSON line written to stdout or stderr so far. */
  lines: Record<string, any>[];
  /** Waits until a line matching `predicate` has been written (lines are written as requests end). */
  waitForLine(predicate: (line: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  stop(): Promise<void>;
}

export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT', 'AUTH_MODE', 'K_SERVICE', 'CACHE_STORE', 'API_KEYS', 'CALLER_LIMITS']) delete base[key];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-server.ts'], {
    cwd: root,
    env: { ...base, PORT: '0', GATEWAY_ENV: 'development', LOG_LEVEL: 'info', LOCAL_WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: Record<string, any>[] = [];
  const waiters: { predicate: (line: Record<string, any>) => boolean; resolve: (line: Record<string, any>) => void }[] = [];
  const read = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop()!;
      for (const text of parts) {
        let line: Record<string, any>;
        try {
          line = JSON.parse(text);
        } catch {
          continue;
        }
        lines.push(line);
        for (const waiter of waiters.splice(0)) {
          if (waiter.predicate(line)) waiter.resolve(line);
          else waiters.push(waiter);
        }
      }
    });
  };
  read(child.stdout!);
  read(child.stderr!);

  const waitForLine = (predicate: (line: Record<string, any>) => boolean, timeoutMs = 60_000) => {
    const found = lines.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise<Record<string, any>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; got:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`)), timeoutMs);
      waiters.push({ predicate, resolve: (line) => { clearTimeout(timer); resolve(line); } });
    });
  };

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listening = await Promise.race([
    waitForLine((line) => line.message === 'dev server listening', 120_000),
    exited.then(() => { throw new Error(`gateway exited before listening:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`); }),
  ]);
  return {
    url: listening.url,
    lines,
    waitForLine,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      await exited;
    },
  };
}
