// The composition root: everything a request needs is built here from one parsed configuration
// (the core: settings, authenticator, limiter, batch services, log level; then the providers,
// each behind the cache, and fallback composing cached providers), and handed to every route
// through its context. Nothing heavy happens here; models and clients load on first use.
import type { Config } from './config.js';
import { cacheFromConfig, type EmbeddingCache } from './cache/index.js';
import { loadChunker, type Chunker } from './chunking/index.js';
import { invalid } from './errors.js';
import { lazy, type Lazy } from './lazy.js';
import { createGatewayCore, processGatewayCore, type CoreOptions, type GatewayCore } from './gateway-core.js';
import { readModelFolder } from './model/folder.js';
import { createLocalProvider } from './providers/local/local.js';
import { loadLocalRuntime } from './providers/local/runtime.js';
import type { EmbeddingProvider } from './providers/types.js';
import { withCache } from './providers/cached.js';
import { createFallbackProvider } from './providers/fallback.js';
import { vertexFromConfig } from './providers/vertex/index.js';
import { isVertexModel } from './providers/vertex/models.js';

export type LocalProvider = ReturnType<typeof createLocalProvider>;

export interface Gateway extends GatewayCore {
  /** The bundled model itself (no cache): its queue, tokenizer and health. */
  local: LocalProvider;
  /** Vertex itself (no cache); null when no Google Cloud project is configured. */
  vertex: EmbeddingProvider | null;
  /** Vectors already made: L1 in process, L2 (Firestore or Redis) shared by every instance. */
  cache: EmbeddingCache;
  /**
   * The provider a request uses, behind the cache: what "auto" means is Vertex with the local
   * fallback when configured, else the local model.
   */
  resolve(selector: string, allowFallback: boolean): EmbeddingProvider;
  /** The bundled model's chunker (/chunk, long_text), loaded on first use; a failed load is retried. */
  chunker: Lazy<Chunker>;
}

export interface GatewayOptions extends CoreOptions {
  /** The clock of time-based state (the Vertex breakers); Date.now unless a test steps it. */
  now?: () => number;
  /** Another inference worker module: tests inject one that fails on cue. */
  workerScript?: URL;
}

export function createGateway(config: Config, options: GatewayOptions = {}): Gateway {
  return withProviders(createGatewayCore(config, options), options);
}

/** The providers, their fallback and the cache, on a core (and its settings). */
function withProviders(core: GatewayCore, options: GatewayOptions): Gateway {
  const { config } = core;
  const folder = readModelFolder(config.local.modelDir);
  const local = createLocalProvider({
    folder,
    loadRuntime: () => loadLocalRuntime(folder, { threads: config.local.threads, workers: config.local.workers, workerScript: options.workerScript }),
    maxBatchSize: config.local.maxBatchSize,
    maxBatchTokens: config.local.maxBatchTokens,
    maxQueuedTexts: config.local.maxQueuedTexts,
    queueWaitMs: config.local.queueWaitMs,
    maxWaitingTexts: config.local.maxWaitingTexts,
    coalesce: config.local.coalesce,
  });
  const vertexModels = vertexFromConfig(config, { now: options.now });
  const vertex: EmbeddingProvider | null = vertexModels?.primary ?? null;
  const cache = cacheFromConfig(config);
  const cachedLocal = withCache(local, cache);
  // Composed once per model so every request shares the model's breaker.
  const cachedVertex = new Map<string, EmbeddingProvider>();
  const composed = new Map<string, EmbeddingProvider>();
  const vertexFor = (model: string, allowFallback: boolean): EmbeddingProvider => {
    if (!cachedVertex.has(model)) cachedVertex.set(model, withCache(vertexModels!.forModel(model), cache));
    const primary = cachedVertex.get(model)!;
    if (!allowFallback || !config.fallback) return primary;
    if (!composed.has(model)) composed.set(model, createFallbackProvider(primary, cachedLocal));
    return composed.get(model)!;
  };

  return {
    ...core,
    local,
    vertex,
    cache,
    chunker: lazy(() => loadChunker(config.local.modelDir, config.chunking.memoBytes)),
    resolve(selector, allowFallback) {
      if (selector === 'local' || selector === folder.id || selector === folder.model) return cachedLocal;
      if (vertexModels) {
        if (selector === 'auto' || selector === 'vertex') return vertexFor(config.vertex.model, allowFallback);
        if (vertexModels.isModel(selector)) return vertexFor(selector, allowFallback);
      }
      if (selector === 'auto') return cachedLocal;
      if (selector === 'vertex' || isVertexModel(selector, config.vertex.model)) {
        throw invalid('model', 'Vertex AI is not configured on this gateway (no Google Cloud project); use auto or local');
      }
      throw invalid('model', `Unknown model "${selector}"; use auto, vertex, local or ${folder.id}`);
    },
  };
}

let current: Gateway | undefined;

/**
 * The process's gateway, from its environment, built on first use: what a deployed function (and
 * `npm start`) serves with. Tests build their own with createGateway instead.
 */
export function processGateway(): Gateway {
  current ??= withProviders(processGatewayCore(), {});
  return current;
}
