// Gateway settings pointing at a fake Vertex, with every Vertex/fallback setting spelled out so a
// test reads what its gateway runs with.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { GatewayOptions } from '../../shared/gateway.js';
import { startFakeVertex, type FakeVertex } from '../fakes/vertex-server.js';
import { postJson, startTestServer } from './server.js';

export function vertexEnv(fake: FakeVertex, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...fake.env,
    VERTEX_MODEL: 'text-multilingual-embedding-002',
    VERTEX_RETRIES: '3',
    VERTEX_RETRY_BASE_MS: '5',
    VERTEX_TIMEOUT_MS: '5000',
    VERTEX_CONCURRENCY: '4',
    BREAKER_FAILURES: '1000',
    BREAKER_COOLDOWN_MS: '30000',
    FALLBACK: 'true',
    REQUEST_TIMEOUT_MS: '30000',
    // Every call must reach the fake: these tests count them.
    CACHE_L1_BYTES: '0',
    CACHE_STORE: 'none',
    ...overrides,
  };
}

export function fromBase64(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** Largest absolute difference between two vectors (float32 round-trip included). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** A vector scaled to unit length, as the gateway returns vectors by default. */
export function unit(values: ArrayLike<number>): number[] {
  const norm = Math.hypot(...Array.from(values)) || 1;
  return Array.from(values, (v) => v / norm);
}

export interface FakeVertexServer {
  /** The fake Vertex, reset before each test. */
  readonly fake: FakeVertex;
  readonly server: Awaited<ReturnType<typeof startTestServer>>;
  /** POST a JSON body to the gateway at `path`. */
  post(path: string, body: unknown, headers?: Record<string, string>): ReturnType<typeof postJson>;
}

/**
 * A fake Vertex and a gateway dev server pointing at it, for the test file's (or describe
 * block's) lifetime: started in beforeAll, closed in afterAll, the fake reset before each test.
 */
export function fakeVertexServer(options: { transport?: 'grpc' | 'rest'; env?: Record<string, string>; gateway?: GatewayOptions } = {}): FakeVertexServer {
  let fake: FakeVertex | undefined;
  let server: FakeVertexServer['server'] | undefined;
  beforeAll(async () => {
    fake = await startFakeVertex({ transport: options.transport ?? 'grpc' });
    server = await startTestServer(vertexEnv(fake, options.env), options.gateway);
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });
  beforeEach(() => fake?.reset());
  return {
    get fake() { return fake!; },
    get server() { return server!; },
    post: (path, body, headers) => postJson(`${server!.url}${path}`, body, headers),
  };
}
