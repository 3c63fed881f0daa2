// Cold start with Vertex as primary, and the transport choice.
// 1. Loading the Vertex client in a fresh Node process (plain JS, as a bundle runs): the package
//    index vs the deep import of the v1 PredictionServiceClient the gateway uses, then the first
//    call to a fake Vertex over gRPC and over REST; time and resident memory at each step.
// 2. The dev server's cold start to its first /embed answer with Vertex primary (gRPC and REST),
//    against the embedded default (first /embed loads the bundled model) as the peer.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { startFakeVertex, type FakeVertex } from '../test/fakes/vertex-server.js';
import { median } from './lib/stats.js';
import { postEmbed, repoRoot, spawnDevServer } from './lib/server-process.js';
import { fixed, machineNote, summaryLine, table } from './lib/timing.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

// Runs in a fresh process; prints one JSON line.
const probe = (mode: 'index' | 'grpc' | 'rest', port: number) => `
const t0 = performance.now();
const mb = () => Math.round(process.memoryUsage().rss / 1048576);
const out = { mode: '${mode}', baseMiB: mb() };
let Client;
if ('${mode}' === 'index') {
  ({ v1: { PredictionServiceClient: Client } } = await import('@google-cloud/aiplatform'));
} else {
  ({ PredictionServiceClient: Client } = await import('@google-cloud/aiplatform/build/src/v1/prediction_service_client.js'));
  await import('@google-cloud/aiplatform/build/src/helpers.js');
}
const options = { apiEndpoint: '127.0.0.1', port: ${port} };
if ('${mode}' === 'rest') {
  const { PassThroughClient } = await import('google-auth-library');
  Object.assign(options, { fallback: true, protocol: 'http', authClient: new PassThroughClient() });
} else {
  const g = (await import('google-gax')).default;
  options.sslCreds = g.grpc.credentials.createInsecure();
}
out.importMs = performance.now() - t0;
out.importMiB = mb();
const t1 = performance.now();
const client = new Client(options);
const toValue = (x) => ({ structValue: { fields: Object.fromEntries(Object.entries(x).map(([k, v]) => [k, typeof v === 'string' ? { stringValue: v } : { boolValue: v }])) } });
await client.predict({ endpoint: 'projects/p/locations/us-central1/publishers/google/models/text-multilingual-embedding-002',
  instances: [toValue({ content: 'hello' })], parameters: toValue({ autoTruncate: true }) }, { timeout: 10000, maxRetries: 0 });
out.firstCallMs = performance.now() - t1;
out.totalMs = performance.now() - t0;
out.afterCallMiB = mb();
console.log(JSON.stringify(out));
await client.close();
process.exit(0);
`;

interface Probe { mode: string; baseMiB: number; importMs: number; importMiB: number; firstCallMs: number; totalMs: number; afterCallMiB: number; wallMs: number }

function runProbe(mode: 'index' | 'grpc' | 'rest', fake: FakeVertex): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', probe(mode, fake.port)], {
      cwd: repoRoot, env: { ...process.env, METADATA_SERVER_DETECTION: 'none' }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`probe ${mode} exited ${code}`));
      resolve({ ...JSON.parse(stdout.trim().split('\n').at(-1)!), wallMs: performance.now() - t });
    });
  });
}

const grpcFake = await startFakeVertex({ transport: 'grpc' });
const restFake = await startFakeVertex({ transport: 'rest' });
const probes: Record<string, Probe[]> = { index: [], grpc: [], rest: [] };
for (let i = 0; i < RUNS; i++) {
  for (const mode of (['index', 'grpc', 'rest'] as const).slice(i % 3).concat((['index', 'grpc', 'rest'] as const).slice(0, i % 3))) {
    probes[mode]!.push(await runProbe(mode, mode === 'rest' ? restFake : grpcFake));
  }
}
const pm = (mode: string, key: keyof Probe) => median(probes[mode]!.map((p) => p[key] as number));

console.log('## vertex-cold-start\n');
console.log(`### Loading the Vertex client in a fresh process (median of ${RUNS})\n`);
console.log('index = `import(\'@google-cloud/aiplatform\')` (every Vertex service) then gRPC; grpc / rest = the deep import of the v1 PredictionServiceClient the gateway uses. First call = construct the client, connect, one predict to a local fake. RSS in MiB; an empty Node process is the base.\n');
console.log(table(['load', 'import ms', 'first call ms', 'import + call ms', 'process wall ms', 'RSS base', 'RSS after import', 'RSS after call'],
  Object.keys(probes).map((m) => [m === 'index' ? 'package index (grpc)' : `deep import, ${m}`, fixed(pm(m, 'importMs')), fixed(pm(m, 'firstCallMs')), fixed(pm(m, 'totalMs')), fixed(pm(m, 'wallMs')),
    fixed(pm(m, 'baseMiB'), 0), fixed(pm(m, 'importMiB'), 0), fixed(pm(m, 'afterCallMiB'), 0)])));
summaryLine(`vertex client load: deep import ${fixed(pm('grpc', 'importMs'))} ms vs package index ${fixed(pm('index', 'importMs'))} ms; first call gRPC ${fixed(pm('grpc', 'firstCallMs'))} ms / REST ${fixed(pm('rest', 'firstCallMs'))} ms; RSS after call gRPC ${fixed(pm('grpc', 'afterCallMiB'), 0)} / REST ${fixed(pm('rest', 'afterCallMiB'), 0)} MiB`);

// 2. The dev server, spawn to first /embed answer.
interface Run { listeningMs: number; firstEmbedMs: number; nextEmbedMs: number; peakMiB: number }
type Mode = 'vertex grpc' | 'vertex rest' | 'local only';
async function serverCold(mode: Mode): Promise<Run> {
  const fake = mode === 'vertex rest' ? restFake : grpcFake;
  const env: Record<string, string> = mode === 'local only' ? {} : { ...fake.env, METADATA_SERVER_DETECTION: 'none' };
  const server = await spawnDevServer('node --import tsx', env);
  try {
    const first = await postEmbed(server.url, ['我喜欢看电影']);
    const firstEmbedMs = performance.now() - server.spawnedAt;
    const provider = (first.body as { provider?: string }).provider;
    if (first.status !== 200 || provider !== (mode === 'local only' ? 'local' : 'vertex')) throw new Error(`${mode}: first /embed ${first.status} from ${provider}`);
    const t = performance.now();
    await postEmbed(server.url, ['I love watching movies']);
    return { listeningMs: server.listeningMs, firstEmbedMs, nextEmbedMs: performance.now() - t, peakMiB: server.peakRssKiB() / 1024 };
  } finally {
    await server.stop();
  }
}
const modes: Mode[] = ['vertex grpc', 'vertex rest', 'local only'];
const runs: Record<Mode, Run[]> = { 'vertex grpc': [], 'vertex rest': [], 'local only': [] };
const SERVER_RUNS = Math.max(1, Math.ceil(RUNS / 2) + 1);
for (let i = 0; i < SERVER_RUNS; i++) {
  for (const mode of modes.slice(i % 3).concat(modes.slice(0, i % 3))) runs[mode].push(await serverCold(mode));
}
const rm = (mode: Mode, key: keyof Run) => median(runs[mode].map((r) => r[key]));
console.log(`\n### Dev server cold start to the first /embed answer (median of ${SERVER_RUNS}, \`node --import tsx\`)\n`);
console.log('Vertex primary: the first /embed loads the Vertex client lazily and calls the fake; the bundled model is not loaded. Local only: the first /embed loads the bundled model (the peer).\n');
console.log(table(['mode', 'spawn → listening ms', 'spawn → first /embed ms', 'first /embed after listening ms', 'next /embed ms', 'peak RSS MiB'],
  modes.map((m) => [m, fixed(rm(m, 'listeningMs')), fixed(rm(m, 'firstEmbedMs')), fixed(rm(m, 'firstEmbedMs') - rm(m, 'listeningMs')), fixed(rm(m, 'nextEmbedMs')), fixed(rm(m, 'peakMiB'), 0)])));
summaryLine(`vertex-cold-start: first /embed after listening ${fixed(rm('vertex grpc', 'firstEmbedMs') - rm('vertex grpc', 'listeningMs'))} ms gRPC, ${fixed(rm('vertex rest', 'firstEmbedMs') - rm('vertex rest', 'listeningMs'))} ms REST, ${fixed(rm('local only', 'firstEmbedMs') - rm('local only', 'listeningMs'))} ms local model; peak RSS ${fixed(rm('vertex grpc', 'peakMiB'), 0)} / ${fixed(rm('vertex rest', 'peakMiB'), 0)} / ${fixed(rm('local only', 'peakMiB'), 0)} MiB`);
console.log(`\n${await machineNote()} (shared with other work: compare rows, not absolutes)`);
await grpcFake.close();
await restFake.close();
process.exit(0);
