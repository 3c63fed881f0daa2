// Loopback port helpers for the tools that start local servers: tests, benchmarks, bundle runs.
import net from 'node:net';

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Resolves once something accepts connections on the port. `gaveUp` is checked between tries so
 * a caller can stop early (say, when the server's process has exited) with its own error.
 */
export async function waitForPort(port: number, what: string, timeoutMs: number, gaveUp?: () => Error | undefined): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const stop = gaveUp?.();
    if (stop) throw stop;
    if (await portOpen(port)) return;
    if (Date.now() > until) throw new Error(`${what} did not open port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
