// /healthz latency while a 4 MB /embed (20 texts of ~199k characters) and a 190k-character
// /chunk run, against the same server idle, in the same run. Target: p99 <= 100 ms (the event
// loop was held 2.2 s by the /embed and 5.9 s by a /chunk of long words at max_tokens 1).
import { spawnDevServer } from './lib/server-process.js';
import { p50, p99 } from './lib/stats.js';
import { fixed, machineNote, summaryLine, table, timed } from './lib/timing.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IDLE_PROBES = 50;

function words(count: number, length: number, seed: number): string {
  let a = seed;
  const next = () => ((a = (a * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const out: string[] = [];
  for (let w = 0; w < count; w++) {
    let word = '';
    for (let i = 0; i < length; i++) word += String.fromCharCode(97 + Math.floor(next() * 26));
    out.push(word);
  }
  return out.join(' ');
}

async function post(url: string, body: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.arrayBuffer();
  return res.status;
}

async function health(url: string): Promise<number> {
  const { ms, value } = await timed(async () => {
    const res = await fetch(`${url}/healthz`);
    await res.arrayBuffer();
    return res.status;
  });
  if (value !== 200) throw new Error(`/healthz answered ${value}`);
  return ms;
}

const server = await spawnDevServer('node --import tsx', { CACHE_L1_BYTES: '0' });
const idle: number[] = [];
const stressed: number[] = [];
const outcomes: string[] = [];
try {
  await fetch(`${server.url}/healthz?load=1`);
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < IDLE_PROBES; i++) idle.push(await health(server.url));
    const embedBody = JSON.stringify({ inputs: Array.from({ length: 20 }, (_, i) => words(19_900, 9, 100 * r + i)) });
    const chunkBody = JSON.stringify({ text: words(1900, 99, 7 + r), max_tokens: 1, overlap_tokens: 0 });
    let done = false;
    const work = Promise.all([post(`${server.url}/embed`, embedBody), post(`${server.url}/chunk`, chunkBody)]).finally(() => { done = true; });
    while (!done) {
      stressed.push(await health(server.url));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    outcomes.push((await work).join('/'));
  }
} finally {
  await server.stop();
}

console.log('## health under stress: /healthz latency while a 4 MB /embed and a 190k-character /chunk run\n');
console.log(`Dev server; ${ROUNDS} rounds; /healthz polled every 20 ms while both requests run (answers /embed, /chunk: ${outcomes.join(', ')}).\n`);
console.log(table(['/healthz', 'samples', 'p50 ms', 'p99 ms', 'max ms'], [
  ['idle', idle.length, fixed(p50(idle), 1), fixed(p99(idle), 1), fixed(Math.max(...idle), 1)],
  ['under stress', stressed.length, fixed(p50(stressed), 1), fixed(p99(stressed), 1), fixed(Math.max(...stressed), 1)],
]));
console.log(await machineNote(), '(shared machine)');
summaryLine(`health-under-stress: /healthz p99 ${fixed(p99(stressed), 0)} ms while a 4 MB /embed and a 190k-char /chunk run (target ≤ 100 ms), idle p99 ${fixed(p99(idle), 0)} ms`);
