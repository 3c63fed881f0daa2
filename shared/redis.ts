// One lazily connected Redis client per store. The package is imported and connected on first
// use. While the server is away, commands fail at once (no offline queue), so a cache degrades
// to L1 and a batch delivery fails over to Pub/Sub's redelivery instead of waiting.
import { lazy, type Lazy } from './lazy.js';

type RedisLib = typeof import('redis');
type BaseClient = ReturnType<RedisLib['createClient']>;

export interface LazyRedis<C> {
  client(): Promise<C>;
  close(): void;
}

export function lazyRedis<C extends { isReady: boolean }>(url: string, adapt: (client: BaseClient, lib: RedisLib) => C): LazyRedis<C> {
  let connection: Lazy<C> = lazy(connect);
  // Held apart from `connection` so close() can stop a client still trying to connect.
  let raw: BaseClient | undefined;

  async function connect(): Promise<C> {
    const lib = await import('redis');
    const base = lib.createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 2000,
        // Keep trying in the background; callers meanwhile fail fast.
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 3000),
      },
    });
    // Without a listener an 'error' event would crash the process; callers see failed commands.
    base.on('error', () => {});
    raw = base;
    await base.connect();
    return adapt(base, lib);
  }

  return {
    async client() {
      const c = await connection();
      if (!c.isReady) throw new Error('redis is not connected');
      return c;
    },
    close() {
      const client = raw;
      connection = lazy(connect);
      raw = undefined;
      try {
        client?.destroy();
      } catch {
        // already closed
      }
    },
  };
}
