// Good answers per second under a 429 storm (200 clients that ignore retry-after, a queue of
// LOCAL_MAX_QUEUED_TEXTS=64) against the same server's capacity with 32 polite clients, in
// alternating rounds of the same run. Target: the storm keeps >= 0.8x of capacity. Refusing must
// cost far less than serving, or a retry storm turns into an outage.
import { Worker } from 'node:worker_threads';
import { spawnDevServer } from './lib/server-process.js';
import { median, medianRatio } from './lib/stats.js';
import { fixed, machineNote, ratio, summaryLine, table } from './lib/timing.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const QUEUE = 64;

interface Load { ok: number; refused: number; other: number; seconds: number }

const loader = new Worker(new URL('./lib/storm-load.mjs', import.meta.url));
let nextId = 0;
function load(url: string, clients: number, polite: boolean): Promise<Load> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (message: Load & { id: number; error?: string }) => {
      if (message.id !== id) return;
      loader.off('message', onMessage);
      if (message.error) reject(new Error(message.error));
      else resolve(message);
    };
    loader.on('message', onMessage);
    loader.postMessage({ id, url: `${url}/embed`, clients, polite, seconds: SECONDS, text: '今天天气很好，我们一起去公园散步' });
  });
}

const server = await spawnDevServer('node --import tsx', { LOCAL_MAX_QUEUED_TEXTS: String(QUEUE), CACHE_L1_BYTES: '0' });
const polite: Load[] = [];
const storm: Load[] = [];
try {
  await fetch(`${server.url}/healthz?load=1`);
  await load(server.url, 32, true); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const kind of r % 2 === 0 ? ['polite', 'storm'] : ['storm', 'polite']) {
      if (kind === 'polite') polite.push(await load(server.url, 32, true));
      else storm.push(await load(server.url, 200, false));
    }
  }
} finally {
  await server.stop();
  await loader.terminate();
}

const rate = (l: Load) => l.ok / l.seconds;
const kept = medianRatio(storm.map(rate), polite.map(rate));
console.log(`## overload: good answers/s under a 429 storm vs capacity\n`);
console.log(`Dev server, LOCAL_MAX_QUEUED_TEXTS=${QUEUE}, one-text /embed requests (fresh texts, no cache); ${ROUNDS} rounds of ${SECONDS} s each, alternating; clients in a worker thread of the bench process.\n`);
console.log(table(['clients', 'good answers/s (median)', '429/s (median)', 'other answers'], [
  ['32 polite (wait retry-after)', fixed(median(polite.map(rate))), fixed(median(polite.map((l) => l.refused / l.seconds))), polite.reduce((s, l) => s + l.other, 0)],
  ['200 ignoring retry-after', fixed(median(storm.map(rate))), fixed(median(storm.map((l) => l.refused / l.seconds))), storm.reduce((s, l) => s + l.other, 0)],
]));
console.log(`\nStorm / polite good answers (median of per-round ratios): ${ratio(kept)} (target ≥ 0.80×)`);
console.log(await machineNote(), '(shared machine: compare ratios, not absolute numbers)');
summaryLine(`overload: good answers/s under a 200-client 429 storm = ${ratio(kept)} of 32 polite clients (target ≥ 0.8×); ${fixed(median(storm.map(rate)), 0)}/s vs ${fixed(median(polite.map(rate)), 0)}/s`);
