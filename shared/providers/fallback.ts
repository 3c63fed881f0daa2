// Fallback as a composed provider (DESIGN.md): the primary answers unless it fails in a way
// another model may cover (the error's mayFallBack: 429, 5xx, deadline, breaker open); then the
// fallback answers the whole call and the result says so. A 4xx never falls back: the request
// itself was wrong. It composes cached providers (providers/cached.ts), so each model's vectors
// are cached under its own key and one answer never mixes models.
import { GatewayError, type FallbackCause } from '../errors.js';
import { log, logThrottled } from '../log.js';
import { dimensionsRefusal } from './dimensions.js';
import type { EmbeddingProvider, EmbedInput, EmbedOptions, ProviderResult } from './types.js';

export interface FallbackPolicy {
  /**
   * Share of the remaining deadline the primary may use, so a hanging primary still leaves the
   * fallback time to answer.
   */
  primaryShare: number;
}

export const defaultFallbackPolicy: FallbackPolicy = { primaryShare: 0.75 };

/** Header-safe and short: the reason travels in `x-embedding-fallback` too. */
function reasonOf(cause: FallbackCause): string {
  return `${cause.failure}: ${cause.reason}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
}

export function createFallbackProvider(primary: EmbeddingProvider, fallback: EmbeddingProvider, policy: FallbackPolicy = defaultFallbackPolicy): EmbeddingProvider {
  return {
    name: primary.name,
    info: () => primary.info(),
    async embed(inputs: EmbedInput[], options: EmbedOptions): Promise<ProviderResult> {
      const now = Date.now();
      const primaryDeadline = options.deadline === undefined ? undefined : now + Math.floor((options.deadline - now) * policy.primaryShare);
      try {
        return await primary.embed(inputs, { ...options, deadline: primaryDeadline });
      } catch (error) {
        const cause = error instanceof GatewayError ? error.fallbackCause : undefined;
        if (!cause || options.signal?.aborted) throw error;
        const reason = reasonOf(cause);
        const target = fallback.info();
        if (dimensionsRefusal(target, options.dimensions)) {
          // Other-sized vectors would break the caller's index; refuse and say why.
          throw new GatewayError('invalid_request',
            `${primary.info().model} is unavailable (${cause.failure}) and the fallback model ${target.model} cannot produce ${options.dimensions} dimensions (it makes ${target.dimensions}); retry later, ask for ${target.dimensions}, or send "fallback": false`,
            { field: 'dimensions', cause: error, detail: { fallback_reason: reason, supported_dimensions: [target.dimensions] } });
        }
        // Once per failure kind per 10 s: a quota storm would otherwise log every request.
        logThrottled(`fallback:${cause.failure}`, 10_000, () =>
          log.warn('fallback used', { primary: primary.info().model, fallback: target.model, failure: cause.failure, texts: inputs.length }));
        const result = await fallback.embed(inputs, options);
        return { ...result, fallback: { used: true, reason } };
      }
    },
    async health() {
      return primary.health();
    },
  };
}
