// What /healthz reports: whether the local model is loaded (and, with ?load=1, loads it so a
// readiness probe can warm an instance), its inference workers (alive, restarts), whether Vertex
// is configured, and its breaker state.
import type { Gateway } from './gateway.js';

export interface Readiness {
  status: 'ok' | 'degraded';
  /** `vertex` alone when FALLBACK=false: a Vertex failure is the caller's error then. */
  mode: 'vertex+local' | 'vertex' | 'local';
  local: Record<string, unknown>;
  vertex: Record<string, unknown>;
  cache: Record<string, unknown>;
}

export async function readiness(gw: Gateway, options: { load: boolean }): Promise<Readiness> {
  let status: Readiness['status'] = 'ok';
  if (options.load && !gw.local.ready()) {
    try {
      await gw.local.load();
    } catch {
      status = 'degraded';
    }
  }
  const local = await gw.local.health();
  // A loaded model whose workers are all dead (or still being replaced) cannot answer now.
  const workers = local.workers as { alive: number } | undefined;
  if (workers && workers.alive === 0) status = 'degraded';
  const vertex = gw.vertex ? await gw.vertex.health() : { configured: false };
  return {
    status,
    mode: gw.vertex ? (gw.config.fallback ? 'vertex+local' : 'vertex') : 'local',
    local,
    vertex,
    // An unreachable cache store leaves the gateway serving (from L1), so it does not degrade readiness.
    cache: await gw.cache.health(),
  };
}
