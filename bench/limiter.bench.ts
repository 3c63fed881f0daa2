// Per-caller limiter overhead with a local redis-server, in both modes: leased (the default,
// LIMIT_LEASE_MS=1000: an instance admits from permits Redis granted a few at a time, asking for
// more in the background) and exact (LIMIT_LEASE_MS=0: one admission round trip, a Lua script,
// per request). Measured two ways in one run:
//  - the admission alone: p50 of limiter.admit() (with a token debit riding along), as deployed
//    (shared Redis store, per-instance fallback wrapper), vs an awaited no-op, back to back and
//    after 3 ms idle;
//  - per request: POST /embed of one cached text (base64; the cheapest authenticated answer),
//    interleaved round by round for a caller with rpm/tpm limits and one without, on a dev server
//    in this process and on dev servers in their own processes (the client's work then runs
//    elsewhere, as in a deployment, instead of in the event loop that waits for Redis).
// Target: p50 overhead ≤ 0.5 ms per request.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../shared/config.js';
import { limiterFromConfig } from '../shared/limits/index.js';
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

// 1. The admission alone, exact and leased, each built as the gateway builds its limiter. Both
// share Redis's keys; the limits are far above what the bench sends, so neither refuses.
const limiterWith = (extra: Record<string, string>) => limiterFromConfig(loadConfig({ LOG_LEVEL: 'error', LIMIT_STORE: 'redis', REDIS_URL: redisUrl, ...extra }));
const exactLimiter = limiterWith({ LIMIT_LEASE_MS: '0' });
const leasedLimiter = limiterWith({});
const buckets = { rpm: 100_000_000, tpm: 1_000_000_000 };
const noop = async () => {
  const t = performance.now();
  await Promise.resolve();
  return performance.now() - t;
};
let n = 0;
const admitWith = (limiter: typeof exactLimiter) => async () => {
  const t = performance.now();
  const caller = `caller-${n++ % 100}`;
  const a = await limiter.admit(caller, buckets);
  if (!a.allowed || a.scope !== 'shared') throw new Error(`admission was not decided by Redis: ${JSON.stringify(a)}`);
  const ms = performance.now() - t;
  limiter.debit(caller, buckets, 12);
  return ms;
};
// The same admission after the gateway and redis-server sat idle for 3 ms, as they do between
// one client's requests: what a request pays includes waking both processes.
const afterIdle = (admit: () => Promise<number>) => async () => {
  await new Promise((resolve) => setTimeout(resolve, 3));
  return admit();
};
const admit = admitWith(exactLimiter);
const leasedAdmit = admitWith(leasedLimiter);
for (let i = 0; i < 200; i++) await Promise.all([admit(), leasedAdmit()]);
const direct = await interleave(ROUNDS, { admit, admitAfterIdle: afterIdle(admit), leasedAdmit, leasedAfterIdle: afterIdle(leasedAdmit), noop });

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
const exactApart = await spawnDevServer('node --import tsx', { ...env, LOG_LEVEL: 'info', LIMIT_LEASE_MS: '0' });
const httpExact = await limitedVsOpen(exactApart.url);
await exactApart.stop();
await Promise.all([exactLimiter.close(), leasedLimiter.close()]);
redis.kill('SIGKILL');

const admitP50 = p50(direct.admit) - p50(direct.noop);
const leasedP50 = p50(direct.leasedAdmit) - p50(direct.noop);
const overhead = (r: { limited: number[]; open: number[] }) => median(r.limited.map((v, i) => v - r.open[i]!));
const perRequest = overhead(http);
const perRequestApart = overhead(httpApart);
const perRequestExact = overhead(httpExact);
console.log('## limiter: per-caller limit overhead with a local redis-server\n');
/** A table row: p50 and p99 of the samples, and the p50 above `base` where there is one. */
const row = (label: string, samples: number[], base?: number[]) =>
  [label, samples.length, fixed(p50(samples), 3), fixed(p99(samples), 3), base ? fixed(p50(samples) - p50(base), 3) : '—'];
console.log(table(['measure', 'rounds', 'p50 ms', 'p99 ms', 'p50 overhead ms'], [
  row('leased admit() (default)', direct.leasedAdmit, direct.noop),
  row('leased admit() after 3 ms idle', direct.leasedAfterIdle, direct.noop),
  row('exact admit() (Redis script per request, debit riding along)', direct.admit, direct.noop),
  row('exact admit() after 3 ms idle', direct.admitAfterIdle, direct.noop),
  row('awaited no-op', direct.noop),
  row('POST /embed (cached), limited caller', http.limited, http.open),
  row('POST /embed (cached), caller without limits', http.open),
  row('server in its own process: POST /embed (cached), limited caller', httpApart.limited, httpApart.open),
  row('server in its own process: POST /embed (cached), caller without limits', httpApart.open),
  row('exact (LIMIT_LEASE_MS=0), own process: POST /embed (cached), limited caller', httpExact.limited, httpExact.open),
  row('exact (LIMIT_LEASE_MS=0), own process: POST /embed (cached), caller without limits', httpExact.open),
]));
console.log(`\nMedian per-round difference (limited − open), default (leased): ${fixed(perRequest, 3)} ms in this process (ratio of p50s ${fixed(p50(http.limited) / p50(http.open), 3)}×); ${fixed(perRequestApart, 3)} ms with the server in its own process (ratio of p50s ${fixed(p50(httpApart.limited) / p50(httpApart.open), 3)}×). Exact (LIMIT_LEASE_MS=0), own process: ${fixed(perRequestExact, 3)} ms.`);
summaryLine(`limiter: per request ${fixed(perRequestApart, 3)} ms median overhead with the default leases, server in its own process (${fixed(perRequest, 3)} ms with the client in the server's process; p50 ${fixed(p50(httpApart.limited), 2)} vs ${fixed(p50(httpApart.open), 2)} ms) (target ≤ 0.5 ms); exact mode (LIMIT_LEASE_MS=0) ${fixed(perRequestExact, 3)} ms. Admission alone p50: leased ${fixed(leasedP50, 3)} ms, exact ${fixed(admitP50, 3)} ms back to back, ${fixed(p50(direct.admitAfterIdle), 3)} ms after 3 ms idle`);
console.log(`\n${await machineNote()} (shared with other work: read differences, not absolutes)`);
process.exit(0);
