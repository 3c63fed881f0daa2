// Per-caller limiter overhead with a local redis-server: the one admission round trip (a Lua
// script) a limited caller's request pays, measured two ways in one run:
//  - the admission alone: p50 of limiter.admit() (with a token debit riding along), as deployed
//    (shared Redis store, per-instance fallback wrapper), vs an awaited no-op;
//  - per request: POST /embed of one cached text (base64; the cheapest authenticated answer),
//    interleaved round by round for a caller with rpm/tpm limits and one without, on a dev server
//    in this process and on one in its own process (the client's work then runs elsewhere, as
//    in a deployment, instead of in the event loop that waits for Redis).
// Target: p50 overhead ≤ 0.5 ms per request.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createFallbackLimiter } from '../shared/limits/fallback.js';
import { createMemoryLimiter } from '../shared/limits/memory.js';
import { createRedisLimiter } from '../shared/limits/redis.js';
import { freePort, waitForPort } from '../scripts/lib/ports.js';
import { startTestServer } from '../test/helpers/server.js';
import { spawnDevServer } from './lib/server-process.js';
import { median, p50, p99 } from './lib/stats.js';
import { fixed, interleave, machineNote, summaryLine, table } from './lib/timing.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2000);
const port = await freePort();
const redis = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
await waitForPort(port, 'redis-server', 10_000);
const redisUrl = `redis://127.0.0.1:${port}`;

// 1. The admission alone.
const limiter = createFallbackLimiter(createRedisLimiter({ url: redisUrl, prefix: 'bench:' }), createMemoryLimiter(), { timeoutMs: 100 });
const buckets = { rpm: 100_000_000, tpm: 1_000_000_000 };
const noop = async () => {
  const t = performance.now();
  await Promise.resolve();
  return performance.now() - t;
};
let n = 0;
const admit = async () => {
  const t = performance.now();
  const a = await limiter.admit(`caller-${n++ % 100}`, buckets);
  if (!a.allowed || a.scope !== 'shared') throw new Error(`admission was not decided by Redis: ${JSON.stringify(a)}`);
  const ms = performance.now() - t;
  limiter.debit(`caller-${n % 100}`, buckets, 12);
  return ms;
};
// The same admission after the gateway and redis-server sat idle for 3 ms, as they do between
// one client's requests: what a request pays includes waking both processes.
const admitAfterIdle = async () => {
  await new Promise((resolve) => setTimeout(resolve, 3));
  return admit();
};
for (let i = 0; i < 200; i++) await admit();
const direct = await interleave(ROUNDS, { admit, admitAfterIdle, noop });

// 2. Per request, on the real route wrapper: a dev server in this process (its event loop also
// runs the client), and one in its own process (as deployed: the client's work is elsewhere).
const keys = { limited: 'bench-limited-key', open: 'bench-open-key' };
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const env = {
  LOG_LEVEL: 'error', AUTH_MODE: 'api_key', LIMIT_STORE: 'redis', REDIS_URL: redisUrl, LOCAL_WORKERS: '1',
  API_KEYS: `limited:${hash(keys.limited)},open:${hash(keys.open)}`,
  CALLER_LIMITS: JSON.stringify({ limited: buckets }),
};
const body = JSON.stringify({ inputs: ['我喜欢看电影'], encoding: 'base64' });
/** A limited and an unlimited caller of one server, warmed up, then interleaved round by round. */
async function limitedVsOpen(url: string): Promise<{ limited: number[]; open: number[] }> {
  const call = (key: string, limited: boolean) => async () => {
    const t = performance.now();
    const res = await fetch(`${url}/embed`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
    await res.arrayBuffer();
    if (res.status !== 200 || (res.headers.get('x-ratelimit-limit-requests') !== null) !== limited) throw new Error(`/embed answered ${res.status}`);
    return performance.now() - t;
  };
  const limitedCall = call(keys.limited, true);
  const openCall = call(keys.open, false);
  for (let i = 0; i < 100; i++) {
    await limitedCall();
    await openCall();
  }
  return interleave(Math.round(ROUNDS / 2), { limited: limitedCall, open: openCall });
}
const server = await startTestServer(env);
const http = await limitedVsOpen(server.url);
await server.close();
// The "listening" line the launcher waits for is an info line; both callers' request lines are alike.
const apart = await spawnDevServer('node --import tsx', { ...env, LOG_LEVEL: 'info' });
const httpApart = await limitedVsOpen(apart.url);
await apart.stop();
await limiter.close();
redis.kill('SIGKILL');

const admitP50 = p50(direct.admit) - p50(direct.noop);
const perRequest = median(http.limited.map((v, i) => v - http.open[i]!));
const perRequestApart = median(httpApart.limited.map((v, i) => v - httpApart.open[i]!));
console.log('## limiter: per-caller limit overhead with a local redis-server\n');
console.log(table(['measure', 'rounds', 'p50 ms', 'p99 ms', 'p50 overhead ms'], [
  ['admit() (Redis script, debit riding along)', ROUNDS, fixed(p50(direct.admit), 3), fixed(p99(direct.admit), 3), fixed(admitP50, 3)],
  ['admit() after 3 ms idle', ROUNDS, fixed(p50(direct.admitAfterIdle), 3), fixed(p99(direct.admitAfterIdle), 3), fixed(p50(direct.admitAfterIdle) - p50(direct.noop), 3)],
  ['awaited no-op', ROUNDS, fixed(p50(direct.noop), 3), fixed(p99(direct.noop), 3), '—'],
  ['POST /embed (cached), limited caller', http.limited.length, fixed(p50(http.limited), 3), fixed(p99(http.limited), 3), fixed(p50(http.limited) - p50(http.open), 3)],
  ['POST /embed (cached), caller without limits', http.open.length, fixed(p50(http.open), 3), fixed(p99(http.open), 3), '—'],
  ['server in its own process: POST /embed (cached), limited caller', httpApart.limited.length, fixed(p50(httpApart.limited), 3), fixed(p99(httpApart.limited), 3), fixed(p50(httpApart.limited) - p50(httpApart.open), 3)],
  ['server in its own process: POST /embed (cached), caller without limits', httpApart.open.length, fixed(p50(httpApart.open), 3), fixed(p99(httpApart.open), 3), '—'],
]));
console.log(`\nMedian per-round difference (limited − open): ${fixed(perRequest, 3)} ms in this process (ratio of p50s ${fixed(p50(http.limited) / p50(http.open), 3)}×); ${fixed(perRequestApart, 3)} ms with the server in its own process (ratio of p50s ${fixed(p50(httpApart.limited) / p50(httpApart.open), 3)}×).`);
summaryLine(`limiter: p50 admission ${fixed(admitP50, 3)} ms back to back, ${fixed(p50(direct.admitAfterIdle), 3)} ms after 3 ms idle; per request ${fixed(perRequestApart, 3)} ms median overhead with the server in its own process, ${fixed(perRequest, 3)} ms with the client in the server's process (limited vs unlimited caller on cached /embed, interleaved; p50 ${fixed(p50(httpApart.limited), 2)} vs ${fixed(p50(httpApart.open), 2)} ms apart) (target ≤ 0.5 ms)`);
console.log(`\n${await machineNote()} (shared with other work: read differences, not absolutes)`);
process.exit(0);
