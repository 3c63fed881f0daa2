// L2 on Redis (Memorystore): MGET for a batch of gets, one MULTI of SET EX for a batch of sets.
// The client is imported and connected on first use. While the server is away, commands fail at
// once (no offline queue) so callers degrade to L1 instead of waiting.
import type { L2Store, StoreEntry } from './store.js';

export interface RedisStoreOptions {
  url: string;
  ttlSeconds: number;
  /** Namespaces keys, so one Redis can serve several gateways (and tests). */
  prefix?: string;
}

type Client = {
  isReady: boolean;
  mGet(keys: string[]): Promise<(Buffer | null)[]>;
  multi(): { set(key: string, value: Buffer, options: { EX: number }): unknown; exec(): Promise<unknown> };
  ping(): Promise<unknown>;
  close?(): Promise<void>;
  destroy(): void;
};

export function createRedisStore(options: RedisStoreOptions): L2Store {
  const prefix = options.prefix ?? 'emb:';
  let connecting: Promise<Client> | undefined;
  // Held apart from `connecting` so close() can stop a client still trying to connect.
  let raw: { destroy(): void } | undefined;

  async function connect(): Promise<Client> {
    const { createClient, RESP_TYPES } = await import('redis');
    const base = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 2000,
        // Keep trying in the background; callers meanwhile fail fast and use L1.
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 3000),
      },
    });
    // Without a listener an 'error' event would crash the process; the tiered cache logs outages.
    base.on('error', () => {});
    raw = base;
    await base.connect();
    return base.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }) as unknown as Client;
  }

  async function client(): Promise<Client> {
    connecting ??= connect().catch((error) => {
      connecting = undefined;
      throw error;
    });
    const c = await connecting;
    if (!c.isReady) throw new Error('redis is not connected');
    return c;
  }

  return {
    kind: 'redis',
    async getMany(keys) {
      if (keys.length === 0) return [];
      const values = await (await client()).mGet(keys.map((key) => prefix + key));
      return values.map((value) => (value ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : undefined));
    },
    async setMany(entries: StoreEntry[]) {
      if (entries.length === 0) return;
      const multi = (await client()).multi();
      for (const { key, value } of entries) {
        multi.set(prefix + key, Buffer.from(value.buffer, value.byteOffset, value.byteLength), { EX: options.ttlSeconds });
      }
      await multi.exec();
    },
    async ping() {
      await (await client()).ping();
    },
    async close() {
      const client = raw;
      connecting = undefined;
      raw = undefined;
      try {
        client?.destroy();
      } catch {
        // already closed
      }
    },
  };
}
