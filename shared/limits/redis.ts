// Limits shared by every instance: the GCRA state in Redis, decided by one Lua script, so an
// admission is atomic and one round trip. Tokens of finished requests are not written on their
// own: they ride along with this instance's next admission (any caller), or a short timer when
// no request comes, so the request path stays at one round trip.
import { createHash } from 'node:crypto';
import { lazyRedis } from '../redis.js';
import { intervalMs, view, waitMs, type Bucket } from './gcra.js';
import type { Admission, CallerBuckets, Limiter } from './types.js';

// KEYS[1], KEYS[2]: the caller's request and token buckets; KEYS[3..]: buckets to debit.
// ARGV: now_ms ('' = the server's clock), request interval, token interval (0 = no such limit),
// tolerance, admit (1/0), then one interval*tokens cost per debited bucket.
// Returns {allowed, request debt, token debt} in ms, as strings to keep fractions.
export const SCRIPT = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local tolerance = tonumber(ARGV[4])
local function debt(key)
  local tat = tonumber(redis.call('GET', key))
  if not tat or tat < now then return 0 end
  return tat - now
end
local function put(key, d)
  redis.call('SET', key, string.format('%.3f', now + d), 'PX', math.ceil(d) + 1000)
end
for i = 3, #KEYS do
  local cost = tonumber(ARGV[i + 3])
  if cost > 0 then put(KEYS[i], debt(KEYS[i]) + cost) end
end
if ARGV[5] ~= '1' then return {1, '0', '0'} end
local rint = tonumber(ARGV[2])
local tint = tonumber(ARGV[3])
local rdebt = 0
local tdebt = 0
local ok = 1
if rint > 0 then
  rdebt = debt(KEYS[1])
  if rdebt + rint > tolerance + 0.001 then ok = 0 end
end
if tint > 0 then
  tdebt = debt(KEYS[2])
  if tdebt + tint > tolerance + 0.001 then ok = 0 end
end
if ok == 1 and rint > 0 then
  rdebt = rdebt + rint
  put(KEYS[1], rdebt)
end
return {ok, string.format('%.3f', rdebt), string.format('%.3f', tdebt)}
`;

const SHA = createHash('sha1').update(SCRIPT).digest('hex');
const TOLERANCE_MS = 60_000;

export interface RedisLimiterOptions {
  url: string;
  /** Namespaces keys, so one Redis can serve several gateways (and tests). */
  prefix?: string;
  /** Tests pin the clock; by default the Redis server's clock decides, the same for every instance. */
  now?: () => number;
  /** Debits carried per admission at most; the rest wait for the next one. */
  maxDebitsPerCall?: number;
  /** How long finished requests' tokens may wait for an admission to carry them. */
  flushAfterMs?: number;
}

type Client = { isReady: boolean; sendCommand<T>(args: string[]): Promise<T> };

export interface RedisLimiter extends Limiter {
  /** Sends pending debits now (tests, shutdown). Throws when Redis cannot be reached. */
  flush(): Promise<void>;
}

export function createRedisLimiter(options: RedisLimiterOptions): RedisLimiter {
  const prefix = options.prefix ?? 'rl:';
  const maxDebits = options.maxDebitsPerCall ?? 32;
  const flushAfterMs = options.flushAfterMs ?? 250;
  const redis = lazyRedis(options.url, (base) => base as unknown as Client);
  // Tokens per bucket key not yet written, with the interval they cost at.
  const pending = new Map<string, { tokens: number; interval: number }>();
  let timer: NodeJS.Timeout | undefined;

  // The caller's name in braces: a Redis Cluster would keep both of its buckets in one slot.
  const keyOf = (caller: string, kind: 'r' | 't') => `${prefix}{${caller}}:${kind}`;

  function takeDebits(): [string, number][] {
    const taken: [string, number][] = [];
    for (const [key, { tokens, interval }] of pending) {
      if (taken.length >= maxDebits) break;
      taken.push([key, tokens * interval]);
      pending.delete(key);
    }
    return taken;
  }

  function restore(debits: [string, number][]): void {
    // The script did not run: put the tokens back so a later call carries them.
    for (const [key, cost] of debits) {
      const entry = pending.get(key);
      if (entry) entry.tokens += cost / entry.interval;
      else pending.set(key, { tokens: cost, interval: 1 });
    }
  }

  async function run(keys: string[], args: string[]): Promise<[number, string, string]> {
    const client = await redis.client();
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await client.sendCommand<[number, string, string]>(['EVALSHA', SHA, ...tail]);
    } catch (error) {
      if (!String((error as Error)?.message).includes('NOSCRIPT')) throw error;
      return client.sendCommand<[number, string, string]>(['EVAL', SCRIPT, ...tail]);
    }
  }

  function schedule(): void {
    if (timer || pending.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      limiter.flush().catch(() => {
        // Redis is away: the debits stay pending and go with the next admission that works.
        schedule();
      });
    }, flushAfterMs);
    timer.unref();
  }

  const limiter: RedisLimiter = {
    async admit(caller: string, buckets: CallerBuckets): Promise<Admission> {
      const req: Bucket | undefined = buckets.rpm ? { limit: buckets.rpm } : undefined;
      const tok: Bucket | undefined = buckets.tpm ? { limit: buckets.tpm } : undefined;
      const debits = takeDebits();
      const keys = [keyOf(caller, 'r'), keyOf(caller, 't'), ...debits.map(([key]) => key)];
      const args = [
        options.now ? String(options.now()) : '',
        String(req ? intervalMs(req) : 0),
        String(tok ? intervalMs(tok) : 0),
        String(TOLERANCE_MS),
        '1',
        ...debits.map(([, cost]) => String(cost)),
      ];
      let reply: [number, string, string];
      try {
        reply = await run(keys, args);
      } catch (error) {
        restore(debits);
        throw error;
      }
      const [ok, rdebt, tdebt] = [reply[0] === 1, Number(reply[1]), Number(reply[2])];
      const reqRefused = !ok && req !== undefined && rdebt + intervalMs(req) > TOLERANCE_MS + 1e-3;
      return {
        allowed: ok,
        ...(ok ? {} : {
          refusedBy: reqRefused ? 'requests' as const : 'tokens' as const,
          retryAfterMs: reqRefused ? waitMs(req!, rdebt) : waitMs(tok!, tdebt),
        }),
        ...(req ? { requests: view(req, rdebt) } : {}),
        ...(tok ? { tokens: view(tok, tdebt) } : {}),
        scope: 'shared',
      };
    },
    debit(caller, buckets, tokens) {
      if (!buckets.tpm || tokens <= 0) return;
      const key = keyOf(caller, 't');
      const interval = intervalMs({ limit: buckets.tpm });
      const entry = pending.get(key);
      if (entry) entry.tokens += tokens * (interval / entry.interval);
      else pending.set(key, { tokens, interval });
      schedule();
    },
    async flush() {
      while (pending.size > 0) {
        const debits = takeDebits();
        const args = [options.now ? String(options.now()) : '', '0', '0', String(TOLERANCE_MS), '0', ...debits.map(([, cost]) => String(cost))];
        try {
          await run(['', '', ...debits.map(([key]) => key)], args);
        } catch (error) {
          restore(debits);
          throw error;
        }
      }
    },
    async close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      redis.close();
    },
  };
  return limiter;
}
