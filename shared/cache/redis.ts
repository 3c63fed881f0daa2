// L2 on Redis (Memorystore): MGET for a batch of gets, one MULTI of SET EX for a batch of sets.
// The client connects on first use and fails fast while the server is away (shared/redis.ts).
import { lazyRedis } from '../redis.js';
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
  const redis = lazyRedis(options.url, (base, lib) => base.withTypeMapping({ [lib.RESP_TYPES.BLOB_STRING]: Buffer }) as unknown as Client);
  const client = () => redis.client();

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
      redis.close();
    },
  };
}
