// Fault injection at the provider boundary, where Vertex would answer 503: the real provider
// still makes every vector; the wrapper only refuses calls the test picks.
import { GatewayError } from '../../shared/errors.js';
import type { Gateway } from '../../shared/gateway.js';
import type { EmbedInput, EmbeddingProvider } from '../../shared/providers/types.js';

export type FaultRule = (inputs: EmbedInput[]) => boolean;

export const upstream503 = () => new GatewayError('upstream', 'Vertex AI answered 503 (injected)');

export function withFaults<G extends Gateway>(gw: G, shouldFail: FaultRule): G {
  const wrap = (provider: EmbeddingProvider): EmbeddingProvider => ({
    name: provider.name,
    info: () => provider.info(),
    health: () => provider.health(),
    async embed(inputs, options) {
      if (shouldFail(inputs)) throw upstream503();
      return provider.embed(inputs, options);
    },
  });
  return { ...gw, resolve: (selector, allowFallback) => wrap(gw.resolve(selector, allowFallback)) };
}
