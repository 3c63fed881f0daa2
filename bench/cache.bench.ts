// Cached /embed against the floor: a trivial echo function registered with the same
// functions-framework and the same httpRoute wrapper, served by the same kind of server the dev
// server builds, hit by the same client. The difference is what serving a cached vector costs:
// parsing, key hashing, the L1 lookup and a 512-float JSON answer. The client shares the 2 cores
// with the server, alike for both contenders, but runs on its own thread.
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { loadRoutes } from '../functions/routes.js';
import { loadConfig } from '../shared/config.js';
import { createGateway } from '../shared/gateway.js';
import { registerFunction } from '../shared/http/functions.js';
import { httpRoute } from '../shared/http/route.js';
import { routes } from '../shared/routes.js';
import { medianRatio, median } from './lib/stats.js';
import { fixed, interleave, machineNote, ratio, summaryLine, table } from './lib/timing.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const gateway = createGateway(loadConfig({ LOG_LEVEL: 'error', CACHE_STORE: 'none' }));

const [embed] = await loadRoutes(routes.filter((r) => r.name === 'embed'));
const echo = httpRoute({ name: 'echo', methods: ['POST'], jsonBody: true }, async (req, res) => {
  res.json(req.body);
});
for (const route of [embed!, echo]) {
  const built = route.build(gateway);
  registerFunction(route.name, route, () => built);
}
const { getTestServer } = await import('@google-cloud/functions-framework/testing');
const apps: Record<string, ReturnType<typeof getTestServer>> = { '/embed': getTestServer('embed'), '/echo': getTestServer('echo') };
const server = http.createServer((req, res) => { apps[(req.url ?? '/').split('?')[0]!]!.emit('request', req, res); });
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
// The callers run in a worker thread, so the client's own work (receiving a 512-float answer
// is more work than receiving an echo) is not billed to the server's thread.
const worker = new Worker(new URL('./lib/http-load.mjs', import.meta.url));
let nextId = 0;
const pending = new Map<number, { resolve: (rps: number) => void; reject: (error: Error) => void }>();
worker.on('message', (msg: { id: number; rps?: number; error?: string }) => {
  const waiter = pending.get(msg.id)!;
  pending.delete(msg.id);
  if (msg.error) waiter.reject(new Error(msg.error));
  else waiter.resolve(msg.rps!);
});

/** Requests per second with CONCURRENCY callers posting back to back for SECONDS. */
function load(path: string, body: string): Promise<number> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, url: `${base}${path}`, body, seconds: SECONDS, concurrency: CONCURRENCY });
  });
}

const cases = [
  { name: '1 text', body: JSON.stringify({ inputs: ['我喜欢看电影'] }) },
  { name: '8 texts', body: JSON.stringify({ inputs: ['我喜欢看电影', '今天股市大跌', 'I love movies', 'the stock market fell', '北京的秋天很美', '向量检索', 'embeddings map text to vectors', '你好'] }) },
];

console.log(`## cache: cached /embed vs an echo function, same server and framework (${CONCURRENCY} concurrent callers, ${SECONDS} s × ${ROUNDS} rounds)\n`);
console.log(await machineNote());
console.log('The machine is shared with other work; each ratio pairs the two contenders round by round.\n');
const rows: (string | number)[][] = [];
for (const { name, body } of cases) {
  // Warm: the first request embeds and fills the cache; later ones must all be hits.
  const warm = await fetch(`${base}/embed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.json());
  const check = await fetch(`${base}/embed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.json()) as any;
  if (check.usage.cached !== check.embeddings.length) throw new Error('the warm-up did not fill the cache');
  void warm;
  await load('/echo', body);
  const results = await interleave(ROUNDS, { embed: () => load('/embed', body), echo: () => load('/echo', body) });
  const r = medianRatio(results.embed, results.echo);
  rows.push([name, fixed(median(results.echo), 0), fixed(median(results.embed), 0), ratio(r)]);
  summaryLine(`cached /embed (${name}): ${ratio(r)} the echo function's requests/s (target ≥ 0.7×)`);
}
console.log(table(['request', 'echo req/s (floor)', 'cached /embed req/s', 'embed / echo'], rows));
await worker.terminate();
server.closeAllConnections();
server.close();
process.exit(0);
