// Real services for the test suite: the Pub/Sub and Firestore emulators and a redis-server,
// on fixed loopback ports. A service already answering on its port is reused and left alone
// (so several runs can share one set); what this run starts, it stops.
// Run directly (`tsx test/setup/services.ts`) to start them and keep them for a session.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { portOpen, waitForPort } from '../../scripts/lib/ports.js';

export const PROJECT = 'test-proj';
export const ports = { pubsub: 8085, firestore: 8086, redis: 6390 } as const;
const SDK = '/usr/lib/google-cloud-sdk/platform';

export const serviceEnv: Record<string, string> = {
  PUBSUB_EMULATOR_HOST: `127.0.0.1:${ports.pubsub}`,
  FIRESTORE_EMULATOR_HOST: `127.0.0.1:${ports.firestore}`,
  TEST_REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
  TEST_GCP_PROJECT: PROJECT,
  METADATA_SERVER_DETECTION: 'none',
};

function ensureRedisInstalled(): void {
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status === 0) return;
  // A fresh machine lacks it; Debian's package is the real server Memorystore speaks like.
  const install = spawnSync('sh', ['-c', 'apt-get install -y redis-server >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && apt-get install -y redis-server >/dev/null 2>&1)'], { stdio: 'inherit' });
  if (install.status !== 0) throw new Error('redis-server is missing and could not be installed with apt-get (run as root, or install it)');
}

const started: ChildProcess[] = [];

async function startService(name: string, port: number, command: string, args: string[]): Promise<void> {
  if (await portOpen(port)) return;
  if (!existsSync(command) && !command.startsWith('redis')) throw new Error(`${name}: ${command} not found (the Google Cloud SDK's emulator components)`);
  // Each service runs in its own process group so stopping it stops its java child too.
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  started.push(child);
  await waitForPort(port, name, 60_000);
}

export async function startServices(): Promise<void> {
  ensureRedisInstalled();
  await Promise.all([
    startService('pubsub emulator', ports.pubsub, `${SDK}/pubsub-emulator/bin/cloud-pubsub-emulator`, ['--host=127.0.0.1', `--port=${ports.pubsub}`]),
    startService('firestore emulator', ports.firestore, `${SDK}/cloud-firestore-emulator/cloud_firestore_emulator`, ['start', '--host=127.0.0.1', `--port=${ports.firestore}`]),
    startService('redis', ports.redis, 'redis-server', ['--bind', '127.0.0.1', '--port', String(ports.redis), '--save', '', '--appendonly', 'no']),
  ]);
}

export function stopServices(): void {
  for (const child of started.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

// vitest globalSetup
export async function setup(): Promise<void> {
  await startServices();
  Object.assign(process.env, serviceEnv);
}

export async function teardown(): Promise<void> {
  stopServices();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await startServices();
  console.log(JSON.stringify(serviceEnv));
  // Keep running so the services stay up; Ctrl-C stops them.
  process.on('SIGINT', () => { stopServices(); process.exit(0); });
  process.on('SIGTERM', () => { stopServices(); process.exit(0); });
  setInterval(() => undefined, 1 << 30);
}
