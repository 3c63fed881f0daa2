// Completion records in Redis (Memorystore), for deployments whose shared store is Redis: one
// hash per job. Each step is a script, so two deliveries of a job on two instances cannot
// interleave their reads and writes.
import { lazyRedis } from '../redis.js';
import type { CompletionStore, JobKey, JobRecord, JobStart, JobTotals } from './store.js';

export interface RedisCompletionStoreOptions {
  url: string;
  prefix?: string;
  /** How long a job's record is kept: longer than Pub/Sub can redeliver the job. */
  ttlSeconds: number;
}

// Returns {attempts, conflict (0/1), done shard numbers...}.
const BEGIN = `
local key, content, plan, ttl, totals, now = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local stored = redis.call('HGET', key, 'content_hash')
if stored and stored ~= content then
  return {tonumber(redis.call('HGET', key, 'attempts') or '0'), 1}
end
local fields = redis.call('HKEYS', key)
if redis.call('HGET', key, 'plan_hash') ~= plan then
  for _, field in ipairs(fields) do
    if string.sub(field, 1, 5) == 'done:' then redis.call('HDEL', key, field) end
  end
  redis.call('HDEL', key, 'gave_up', 'totals')
  redis.call('HSET', key, 'content_hash', content, 'plan_hash', plan)
  fields = {}
end
local attempts = redis.call('HINCRBY', key, 'attempts', 1)
if totals ~= '' then redis.call('HSET', key, 'totals', totals) end
redis.call('HSETNX', key, 'created_at', now)
redis.call('HSET', key, 'updated_at', now)
redis.call('EXPIRE', key, ttl)
local result = {attempts, 0}
for _, field in ipairs(fields) do
  if string.sub(field, 1, 5) == 'done:' then table.insert(result, tonumber(string.sub(field, 6))) end
end
return result
`;

// A shard counts only for the plan it was published under. Its value is "items:failed".
const MARK_DONE = `
if redis.call('HGET', KEYS[1], 'plan_hash') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'done:' .. ARGV[2], ARGV[3], 'updated_at', ARGV[4])
end
return 0
`;

const MARK_GAVE_UP = `
if redis.call('HGET', KEYS[1], 'plan_hash') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'gave_up', '1', 'updated_at', ARGV[2])
end
return 0
`;

type Client = {
  isReady: boolean;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  hGetAll(key: string): Promise<Record<string, string>>;
};

export function createRedisCompletionStore(options: RedisCompletionStoreOptions): CompletionStore & { close(): Promise<void> } {
  const prefix = options.prefix ?? 'emb-batch:';
  const redis = lazyRedis(options.url, (base) => base as unknown as Client);
  return {
    kind: 'redis',
    async begin(key: JobKey, totals?: JobTotals): Promise<JobStart> {
      const reply = (await (await redis.client()).eval(BEGIN, {
        keys: [prefix + key.jobId],
        arguments: [key.contentHash, key.planHash, String(options.ttlSeconds), totals ? JSON.stringify(totals) : '', String(Date.now())],
      })) as number[];
      const [attempts, conflict, ...done] = reply.map(Number);
      return { attempts: attempts!, done: new Set(conflict ? [] : done), conflict: conflict === 1 };
    },
    async markDone(key: JobKey, shard: number, items: number, failed = 0) {
      await (await redis.client()).eval(MARK_DONE, { keys: [prefix + key.jobId], arguments: [key.planHash, String(shard), `${items}:${failed}`, String(Date.now())] });
    },
    async markGaveUp(key: JobKey) {
      await (await redis.client()).eval(MARK_GAVE_UP, { keys: [prefix + key.jobId], arguments: [key.planHash, String(Date.now())] });
    },
    async read(jobId: string): Promise<JobRecord | undefined> {
      const hash = await (await redis.client()).hGetAll(prefix + jobId);
      if (!hash || hash.content_hash === undefined) return undefined;
      const done = new Map<number, { items: number; failed: number }>();
      for (const [field, value] of Object.entries(hash)) {
        if (!field.startsWith('done:')) continue;
        // Records written before failures were counted hold the item count alone.
        const [items, failed] = value.split(':').map(Number);
        done.set(Number(field.slice(5)), { items: items!, failed: failed ?? 0 });
      }
      const date = (v: string | undefined) => (v ? new Date(Number(v)) : null);
      return {
        jobId, totals: hash.totals ? (JSON.parse(hash.totals) as JobTotals) : null, attempts: Number(hash.attempts ?? 0), done,
        gaveUp: hash.gave_up === '1', createdAt: date(hash.created_at), updatedAt: date(hash.updated_at),
      };
    },
    async close() {
      redis.close();
    },
  };
}
