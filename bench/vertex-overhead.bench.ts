// Proxy overhead of the gateway in front of Vertex: p50 and p99 latency of POST /embed → fake
// Vertex, against the same aiplatform client calling the same fake directly with the same
// instances, interleaved round by round in one process. The difference is what the gateway adds
// (HTTP, functions-framework, validation, pipeline, JSON). Cache off, so every /embed reaches Vertex.
// Target: p50 overhead ≤ 3 ms. Both transports, so their per-call cost can be compared too.
import { performance } from 'node:perf_hooks';
import { createVertexClient } from '../shared/providers/vertex/client.js';
import { startFakeVertex } from '../test/fakes/vertex-server.js';
import { startTestServer } from '../test/helpers/server.js';
import { median, p50, p99 } from './lib/stats.js';
import { fixed, interleave, machineNote, summaryLine, table } from './lib/timing.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const SIZES = [1, 16, 100];
const MODEL = 'text-multilingual-embedding-002';
const texts = (n: number) => Array.from({ length: n }, (_, i) => `这是第${i}条测试文本 and some English words ${i}`);

process.env.METADATA_SERVER_DETECTION = 'none';
const rows: (string | number)[][] = [];
for (const transport of ['grpc', 'rest'] as const) {
  const fake = await startFakeVertex({ transport });
  const env = { ...fake.env, LOG_LEVEL: 'error', CACHE_L1_BYTES: '0', CACHE_STORE: 'none', VERTEX_MODEL: MODEL };
  const server = await startTestServer(env);
  const direct = createVertexClient({ transport, location: 'us-central1', apiEndpoint: '127.0.0.1', port: fake.port, insecure: true });
  const endpoint = `projects/${fake.env.GOOGLE_CLOUD_PROJECT}/locations/us-central1/publishers/google/models/${MODEL}`;

  for (const [size, encoding] of SIZES.flatMap((n) => (['float', 'base64'] as const).map((e) => [n, e] as const))) {
    const inputs = texts(size);
    const body = JSON.stringify({ inputs, task: 'RETRIEVAL_DOCUMENT', encoding });
    const instances = inputs.map((content) => ({ content, task_type: 'RETRIEVAL_DOCUMENT' }));
    const viaGateway = async () => {
      const t = performance.now();
      const res = await fetch(`${server.url}/embed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = (await res.json()) as { provider?: string };
      if (res.status !== 200 || json.provider !== 'vertex') throw new Error(`/embed answered ${res.status}`);
      return performance.now() - t;
    };
    const viaClient = async () => {
      const t = performance.now();
      const answer = await direct.predict({ endpoint, instances, parameters: { autoTruncate: true } }, { timeoutMs: 10_000 });
      if (answer.predictions.length !== size) throw new Error('short answer');
      return performance.now() - t;
    };
    // Warm both paths (client load, channel, the gateway's first request).
    for (let i = 0; i < 10; i++) {
      await viaGateway();
      await viaClient();
    }
    const r = await interleave(Math.max(20, Math.round(ROUNDS / Math.sqrt(size))), { gateway: viaGateway, direct: viaClient });
    const overhead = r.gateway.map((g, i) => g - r.direct[i]!);
    rows.push([transport, size, encoding, fixed(p50(r.direct), 2), fixed(p99(r.direct), 2), fixed(p50(r.gateway), 2), fixed(p99(r.gateway), 2),
      fixed(p50(r.gateway) - p50(r.direct), 2), fixed(median(overhead), 2)]);
    if (size === 1 && encoding === 'float') summaryLine(`vertex-overhead (${transport}, 1 text): p50 ${fixed(p50(r.gateway), 2)} ms via /embed vs ${fixed(p50(r.direct), 2)} ms direct, overhead ${fixed(median(overhead), 2)} ms (target ≤ 3 ms)`);
  }
  await direct.close();
  await server.close();
  await fake.close();
}

console.log('## vertex-overhead: /embed → fake Vertex vs the aiplatform client → fake Vertex\n');
console.log(`Interleaved rounds (${ROUNDS} for 1 text, ${ROUNDS}/√texts for more) after 10 warm-up rounds; cache off; fake Vertex, gateway and direct client in one process; 768-dim vectors. Times in ms. The /embed side includes encoding the answer as JSON (float: ~20 characters per number) and the bench's own JSON parse of it; base64 shows how much of the overhead that is.\n`);
console.log(table(['transport', 'texts', '/embed encoding', 'direct p50', 'direct p99', '/embed p50', '/embed p99', 'p50 − p50', 'median per-round overhead'], rows));
console.log(`\n${await machineNote()} (shared with other work: read ratios and differences, not absolutes)`);
process.exit(0);
