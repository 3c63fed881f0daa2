// Limits shared by every instance: the GCRA state in Redis, decided by one Lua script, so an
// admission is atomic and one round trip. Tokens of finished requests are not written on their
// own: they ride along with this instance's next admission (any caller), or a short timer when
// no request comes, so the request path stays at one round trip. An admission may ask for
// several request permits at once (a lease, see leased.ts); it gets as many as fit, and permits
// handed back ride along like tokens, as a negative debit.
import { createHash } from 'node:crypto';
import { lazyRedis } from '../redis.js';
import { intervalMs, view, waitMs, type Bucket } from './gcra.js';
import type { Admission, CallerBuckets, Limiter } from './types.js';

// KEYS[1], KEYS[2]: the caller's request and token buckets; KEYS[3..]: buckets to debit.
// ARGV: now_ms ('' = the server's clock), request interval, token interval (0 = no such limit),
// tolerance, admit (1/0), permits wanted, then one interval*units cost per debited bucket
// (negative: permits handed back).
// Returns {permits granted (0 = refused), request debt, token debt}, debts in ms as strings.
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
  local cost = tonumber(ARGV[i + 4])
  if cost ~= 0 then put(KEYS[i], math.max(0, debt(KEYS[i]) + cost)) end
end
if ARGV[5] ~= '1' then return {1, '0', '0'} end
local rint = tonumber(ARGV[2])
local tint = tonumber(ARGV[3])
local granted = tonumber(ARGV[6])
local rdebt = 0
local tdebt = 0
if rint > 0 then
  rdebt = debt(KEYS[1])
  granted = math.min(granted, math.floor((tolerance + 0.001 - rdebt) / rint))
end
if tint > 0 then
  tdebt = debt(KEYS[2])
  if tdebt + tint > tolerance + 0.001 then granted = 0 end
end
if granted < 1 then
  granted = 0
elseif rint > 0 then
  rdebt = rdebt + granted * rint
  put(KEYS[1], rdebt)
end
return {granted, string.format('%.3f', rdebt), string.format('%.3f', tdebt)}
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

/** An admission that may carry several request permits: `granted` says how many (0 when refused). */
export type Grant = Admission & { granted: number };

export interface RedisLimiter extends Limiter {
  /**
   * Admits one request, taking up to `permits` request permits at once (as many as fit, at least
   * one when allowed): `granted` says how many. Throws when Redis cannot be reached.
   */
  admitMany(caller: string, buckets: CallerBuckets, permits: number): Promise<Grant>;
  /** Hands back request permits taken but not used; they ride along like token debits. */
  refund(caller: string, buckets: CallerBuckets, permits: number): void;
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

  /** Units (tokens, or permits handed back as negative units) for a bucket, written later. */
  function owe(key: string, units: number, interval: number): void {
    const entry = pending.get(key);
    if (entry) entry.tokens += units * (interval / entry.interval);
    else pending.set(key, { tokens: units, interval });
    schedule();
  }

  const limiter: RedisLimiter = {
    admit: (caller, buckets) => limiter.admitMany(caller, buckets, 1),
    async admitMany(caller, buckets, permits) {
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
        String(Math.max(1, Math.floor(permits))),
        ...debits.map(([, cost]) => String(cost)),
      ];
      let reply: [number, string, string];
      try {
        reply = await run(keys, args);
      } catch (error) {
        restore(debits);
        throw error;
      }
      const [granted, rdebt, tdebt] = [Number(reply[0]), Number(reply[1]), Number(reply[2])];
      const ok = granted > 0;
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
        granted,
      };
    },
    debit(caller, buckets, tokens) {
      if (!buckets.tpm || tokens <= 0) return;
      owe(keyOf(caller, 't'), tokens, intervalMs({ limit: buckets.tpm }));
    },
    refund(caller, buckets, permits) {
      if (!buckets.rpm || permits <= 0) return;
      owe(keyOf(caller, 'r'), -permits, intervalMs({ limit: buckets.rpm }));
    },
    async flush() {
      while (pending.size > 0) {
        const debits = takeDebits();
        const args = [options.now ? String(options.now()) : '', '0', '0', String(TOLERANCE_MS), '0', '0', ...debits.map(([, cost]) => String(cost))];
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
