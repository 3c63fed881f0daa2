// Builds the Vertex providers from configuration: one per model asked for (the configured one,
// or another known model named by a caller, e.g. in a `:predict` path), all sharing one client.
import type { Config } from '../../config.js';
import { createBreaker } from './breaker.js';
import { createVertexClient, type VertexClient } from './client.js';
import { isVertexModel } from './models.js';
import { createVertexProvider, type VertexProvider } from './vertex.js';

export interface VertexRegistry {
  /** The configured model (VERTEX_MODEL). */
  primary: VertexProvider;
  isModel(id: string): boolean;
  forModel(model: string): VertexProvider;
  client: VertexClient;
}

export interface VertexOptions {
  /** A ready client (tests); else one is made from the settings. */
  client?: VertexClient;
  /** The breakers' clock, so a test can pass a cooldown without waiting for it. */
  now?: () => number;
}

export function vertexFromConfig(config: Config, options: VertexOptions = {}): VertexRegistry | null {
  const settings = config.vertex;
  if (!settings.project) return null;
  const project = settings.project;
  const shared = options.client ?? createVertexClient(settings);
  const providers = new Map<string, VertexProvider>();
  const forModel = (model: string) => {
    let provider = providers.get(model);
    if (!provider) {
      provider = createVertexProvider({
        client: shared,
        project,
        location: settings.location,
        model,
        limits: { ...settings.limits, ...settings.modelLimits[model] },
        concurrency: settings.concurrency,
        timeoutMs: settings.timeoutMs,
        retries: settings.retries,
        retryBaseMs: settings.retryBaseMs,
        // Quotas are per base model, so each model gets its own breaker.
        breaker: createBreaker({ failures: settings.breakerFailures, cooldownMs: settings.breakerCooldownMs, now: options.now }),
      });
      providers.set(model, provider);
    }
    return provider;
  };
  return { primary: forModel(settings.model), isModel: (id) => isVertexModel(id, settings.model), forModel, client: shared };
}
