// Runs a built dist/<function> the way Cloud Functions does: functions-framework from the
// bundle's own node_modules, --source=<bundle>. For tests and benchmarks, node_modules holds
// links to only the packages the bundle's package.json names, so an undeclared runtime
// dependency fails here as it would on deploy.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { freePort, waitForPort } from '../lib/ports.js';

export { freePort };

export async function linkDeclaredDependencies(bundleDir: string, root: string): Promise<string[]> {
  const pkg = JSON.parse(await readFile(path.join(bundleDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const names = Object.keys(pkg.dependencies);
  for (const name of names) {
    const target = path.join(bundleDir, 'node_modules', name);
    await mkdir(path.dirname(target), { recursive: true });
    // Node resolves a linked package's own imports from its real path, the root node_modules,
    // which stands in for the tree npm would install beneath it.
    await symlink(path.join(root, 'node_modules', name), target, 'dir').catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  return names;
}

export interface RunningBundle {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves once the output contains `text` (a log line written after the response, say). */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts functions-framework on the bundle and resolves once it accepts connections. */
export async function startBundle(bundleDir: string, target: string, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<RunningBundle> {
  const port = await freePort();
  const main = path.join(bundleDir, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
  const child = spawn(process.execPath, [main, `--target=${target}`, `--source=${bundleDir}`, `--port=${port}`], {
    cwd: bundleDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', METADATA_SERVER_DETECTION: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    out += chunk;
    for (const check of waiters) check();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port, target, timeoutMs, () => (child.exitCode !== null ? new Error(`${target} exited with ${child.exitCode}:\n${out}`) : undefined));
  } catch (error) {
    child.kill('SIGKILL');
    throw child.exitCode !== null ? error : new Error(`${(error as Error).message}:\n${out}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => out,
    waitForOutput: (text, ms = 10_000) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${target} did not print ${JSON.stringify(text)} within ${ms} ms:\n${out}`));
      }, ms);
      const check = () => {
        if (!out.includes(text)) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    }),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
