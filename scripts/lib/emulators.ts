// Starting local stand-ins for Google services (the Cloud SDK's emulators, fake-gcs-server,
// redis-server) on fixed loopback ports, shared by the test setup (test/setup/services.ts) and
// `npm run batch:local`.
// A service already answering on its port is reused and left alone (so several runs can share
// one); what a process starts, stopStarted() stops.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { portOpen, waitForPort } from './ports.js';

export const SDK = '/usr/lib/google-cloud-sdk/platform';
export const PUBSUB_EMULATOR = `${SDK}/pubsub-emulator/bin/cloud-pubsub-emulator`;
export const FIRESTORE_EMULATOR = `${SDK}/cloud-firestore-emulator/cloud_firestore_emulator`;

const started: ChildProcess[] = [];

/** Starts `command` unless something answers on `port` already; true when this call started it. */
export async function startService(name: string, port: number, command: string, args: string[]): Promise<boolean> {
  if (await portOpen(port)) return false;
  if (!existsSync(command) && !command.startsWith('redis')) throw new Error(`${name}: ${command} not found (the Google Cloud SDK's emulator components)`);
  // Each service runs in its own process group so stopping it stops its java child too.
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  started.push(child);
  await waitForPort(port, name, 60_000);
  return true;
}

export function startPubsubEmulator(port: number): Promise<boolean> {
  return startService('pubsub emulator', port, PUBSUB_EMULATOR, ['--host=127.0.0.1', `--port=${port}`]);
}

export function startFirestoreEmulator(port: number): Promise<boolean> {
  return startService('firestore emulator', port, FIRESTORE_EMULATOR, ['start', '--host=127.0.0.1', `--port=${port}`]);
}

/** fake-gcs-server (Cloud Storage's JSON API, in memory), its binary fetched on first use. */
export async function startFakeGcs(port: number): Promise<boolean> {
  if (await portOpen(port)) return false;
  const { ensureFakeGcs, fakeGcsArgs } = await import('./fake-gcs.js');
  return startService('fake-gcs-server', port, ensureFakeGcs(), fakeGcsArgs(port));
}

/** Stops every service this process started (and only those). */
export function stopStarted(): void {
  for (const child of started.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}
