// Throwaway services for cache tests: a private redis-server and a TCP proxy in front of the
// shared Firestore emulator, so a test can take "the store" away without touching shared ones.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort, waitForPort } from '../../scripts/lib/ports.js';

export { freePort };

export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitForPort(port, 'private redis-server', 5000);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    }),
  };
}

export interface Proxy {
  address: string;
  close(): Promise<void>;
}

/** Forwards a local port to `target`; close() drops every connection, like a store going away. */
export async function startProxy(target: string): Promise<Proxy> {
  const [host, port] = target.split(':');
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: local } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${local}`,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

export const randomId = () => Math.random().toString(36).slice(2, 10);
