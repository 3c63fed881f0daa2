// Cold start of the dev server: process spawn to the first /embed answer (the bundled model is
// loaded on that first request, lazily), and the peak resident memory of the server's process
// tree. Measured both as a user starts it (`npm start`: npm, then tsx) and with Node loading tsx
// directly, so npm's own share is visible. The floor is the same server's own listening time.
import { median } from './lib/stats.js';
import { postEmbed, spawnDevServer, type Launcher } from './lib/server-process.js';
import { fixed, machineNote, summaryLine, table } from './lib/timing.js';
import { performance } from 'node:perf_hooks';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LAUNCHERS: Launcher[] = ['npm start', 'node --import tsx'];

interface Run { listeningMs: number; firstEmbedMs: number; secondEmbedMs: number; peakMiB: number }

async function coldStart(launcher: Launcher): Promise<Run> {
  const server = await spawnDevServer(launcher);
  try {
    const first = await postEmbed(server.url, ['我喜欢看电影']);
    const firstEmbedMs = performance.now() - server.spawnedAt;
    if (first.status !== 200) throw new Error(`${launcher}: first /embed answered ${first.status}`);
    const t = performance.now();
    await postEmbed(server.url, ['I love watching movies']);
    const secondEmbedMs = performance.now() - t;
    return { listeningMs: server.listeningMs, firstEmbedMs, secondEmbedMs, peakMiB: server.peakRssKiB() / 1024 };
  } finally {
    await server.stop();
  }
}

const runs: Record<Launcher, Run[]> = { 'npm start': [], 'node --import tsx': [] };
for (let i = 0; i < RUNS; i++) {
  // Alternate, so drift on the shared machine lands on both launchers alike.
  for (const launcher of i % 2 === 0 ? LAUNCHERS : [...LAUNCHERS].reverse()) runs[launcher].push(await coldStart(launcher));
}

const med = (launcher: Launcher, key: keyof Run) => median(runs[launcher].map((r) => r[key]));
console.log('## cold-start: dev server process start to first /embed answer\n');
console.log(`Median of ${RUNS} runs each; PORT=0, no Google Cloud project (the bundled model). Peak RSS is the largest VmHWM in the server's process tree, read just before stopping it.\n`);
console.log(table(
  ['launcher', 'spawn → listening ms', 'spawn → first /embed ms', 'model load + first embed ms', 'next /embed ms', 'peak RSS MiB'],
  LAUNCHERS.map((l) => [
    `\`${l === 'npm start' ? 'npm start' : 'node --import tsx scripts/dev-server.ts'}\``,
    fixed(med(l, 'listeningMs'), 0),
    fixed(med(l, 'firstEmbedMs'), 0),
    fixed(med(l, 'firstEmbedMs') - med(l, 'listeningMs'), 0),
    fixed(med(l, 'secondEmbedMs'), 1),
    fixed(med(l, 'peakMiB'), 0),
  ]),
));
console.log('\n' + await machineNote(), '(shared machine: other work was running)');
summaryLine(`cold-start: npm start → first /embed ${fixed(med('npm start', 'firstEmbedMs') / 1000, 2)} s (listening at ${fixed(med('npm start', 'listeningMs') / 1000, 2)} s), peak RSS ${fixed(med('npm start', 'peakMiB'), 0)} MiB`);
