// Dev servers (the real functions-framework) that a test kills with SIGKILL mid-job, as an
// instance dies in production, and restarts on the same port so Pub/Sub redelivers to it.
// Each runs in its own process group so the kill takes its inference workers too.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

export class KillableFunctions {
  private readonly children: ChildProcess[] = [];

  /** Starts one and resolves once it listens on `port`. */
  async start(port: number, env: Record<string, string>): Promise<ChildProcess> {
    const childEnv: NodeJS.ProcessEnv = { ...process.env };
    for (const key of ['GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT', 'CACHE_STORE', 'K_SERVICE']) delete childEnv[key];
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-server.ts'], {
      cwd: root,
      env: { ...childEnv, PORT: String(port), LOG_LEVEL: 'info', GATEWAY_ENV: 'development', ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.push(child);
    child.stderr!.resume();
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk) => {
        out = (out + chunk).slice(-10_000);
        if (out.includes('dev server listening')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`dev server exited with ${code}`)));
    });
    child.removeAllListeners('exit');
    return child;
  }

  kill(child: ChildProcess): void {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  killAll(): void {
    for (const child of this.children.splice(0)) this.kill(child);
  }
}
