// Gateway environment pointing at a fake Vertex, with every Vertex/fallback setting spelled out:
// test files start several servers in one process, and process.env keeps earlier values.
import type { FakeVertex } from '../fakes/vertex-server.js';

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
