// One-text /embed latency behind a 200 x 512-token request, against the same server idle, in
// the same run. The big request is sent first; after 1 s, one-text requests follow one after
// another while it runs. Target: p99 <= 1 s on this machine (it was 14.6 s when a lane took the
// whole queue as one window).
import { uniformCorpus } from './lib/corpus.js';
import { spawnDevServer } from './lib/server-process.js';
import { median, p50, p99 } from './lib/stats.js';
import { fixed, machineNote, summaryLine, table, timed } from './lib/timing.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PROBES = Number(process.env.BENCH_PROBES ?? 20);

async function embed(url: string, inputs: string[], signal?: AbortSignal): Promise<number> {
  const res = await fetch(`${url}/embed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs }), signal });
  await res.arrayBuffer();
  return res.status;
}

const server = await spawnDevServer('node --import tsx', { CACHE_L1_BYTES: '0', REQUEST_TIMEOUT_MS: '600000' });
const idle: number[] = [];
const behind: number[] = [];
let probe = 0;
const oneText = () => `一句短的话，编号 ${probe++}`;
try {
  await fetch(`${server.url}/healthz?load=1`);
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < PROBES; i++) idle.push((await timed(() => embed(server.url, [oneText()]))).ms);
    const big = uniformCorpus({ count: 200, tokens: 512, seed: 100 + r });
    const caller = new AbortController();
    const bigRequest = embed(server.url, big, caller.signal).catch(() => 0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (let i = 0; i < PROBES; i++) {
      const { ms, value } = await timed(() => embed(server.url, [oneText()]));
      if (value !== 200) throw new Error(`a one-text request answered ${value}`);
      behind.push(ms);
    }
    // The big request is not what is measured: let it go (its texts leave the queue).
    caller.abort();
    await bigRequest;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
} finally {
  await server.stop();
}

console.log('## head-of-line: one-text /embed behind a 200 x 512-token request vs idle\n');
console.log(`Dev server, default queue settings, ${ROUNDS} rounds of ${PROBES} sequential one-text requests idle, then ${PROBES} sent from 1 s after the big request.\n`);
console.log(table(['one-text /embed', 'p50 ms', 'p99 ms', 'max ms'], [
  ['idle', fixed(p50(idle), 0), fixed(p99(idle), 0), fixed(Math.max(...idle), 0)],
  ['behind 200 x 512 tokens', fixed(p50(behind), 0), fixed(p99(behind), 0), fixed(Math.max(...behind), 0)],
]));
console.log(`\nBehind / idle, median latency: ${fixed(median(behind) / median(idle), 1)}×`);
console.log(await machineNote(), '(shared machine)');
summaryLine(`head-of-line: one-text /embed behind a 200 x 512-token request p99 ${fixed(p99(behind), 0)} ms (target ≤ 1000 ms), idle p99 ${fixed(p99(idle), 0)} ms`);
