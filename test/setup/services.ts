// Real services for the test suite: the Pub/Sub and Firestore emulators and a redis-server,
// on fixed loopback ports. A service already answering on its port is reused and left alone
// (so several runs can share one set); what this run starts, it stops.
// Run directly (`tsx test/setup/services.ts`) to start them and keep them for a session.
import { spawnSync } from 'node:child_process';
import { startFirestoreEmulator, startPubsubEmulator, startService, stopStarted } from '../../scripts/lib/emulators.js';

export const PROJECT = 'test-proj';
export const ports = { pubsub: 8085, firestore: 8086, redis: 6390 } as const;

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

export async function startServices(): Promise<void> {
  ensureRedisInstalled();
  await Promise.all([
    startPubsubEmulator(ports.pubsub),
    startFirestoreEmulator(ports.firestore),
    startService('redis', ports.redis, 'redis-server', ['--bind', '127.0.0.1', '--port', String(ports.redis), '--save', '', '--appendonly', 'no']),
  ]);
}

export function stopServices(): void {
  stopStarted();
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
