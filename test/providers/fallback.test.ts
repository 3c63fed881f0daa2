// Fallback decides on the error alone (its mayFallBack), whatever provider threw it: another
// model answers a provider that could not, never a request that was wrong.
import { describe, expect, it } from 'vitest';
import { GatewayError, type FallbackCause } from '../../shared/errors.js';
import { createFallbackProvider } from '../../shared/providers/fallback.js';
import type { EmbeddingProvider, ModelInfo } from '../../shared/providers/types.js';
import { VertexError } from '../../shared/providers/vertex/errors.js';

/** Some other provider's "could not answer": not a VertexError. */
class OtherProviderDown extends GatewayError {
  override get fallbackCause(): FallbackCause {
    return { failure: 'unavailable', reason: 'other provider is down' };
  }
}

function provider(model: string, dimensions: number, fail?: () => Error): EmbeddingProvider {
  const info: ModelInfo = { provider: model === 'backup' ? 'local' : 'vertex', model, dimensions, ...(model === 'backup' ? { dimensionSizes: [dimensions] } : {}), maxTokens: 512 };
  return {
    name: info.provider,
    info: () => info,
    health: async () => ({}),
    async embed(inputs) {
      if (fail) throw fail();
      return { model, provider: info.provider, fallback: { used: false }, vectors: inputs.map(() => ({ values: new Float32Array(dimensions), tokens: 1, truncated: false })) };
    },
  };
}

const opts = { task: 'RETRIEVAL_DOCUMENT' as const, truncate: true };
const backup = provider('backup', 4);

describe('createFallbackProvider', () => {
  it('falls back on any provider\'s error that may fall back, and says why', async () => {
    const composed = createFallbackProvider(provider('primary', 8, () => new OtherProviderDown('upstream', 'down')), backup);
    const result = await composed.embed([{ text: 'x' }], opts);
    expect(result).toMatchObject({ model: 'backup', provider: 'local', fallback: { used: true, reason: 'unavailable: other provider is down' } });
    expect(composed.info().model).toBe('primary');
  });

  it('falls back on a transient Vertex failure, not on a wrong request', async () => {
    const transient = createFallbackProvider(provider('primary', 8, () => new VertexError('rate_limited', 'RESOURCE_EXHAUSTED: quota', 'upstream')), backup);
    expect((await transient.embed([{ text: 'x' }], opts)).fallback).toEqual({ used: true, reason: 'rate_limited: RESOURCE_EXHAUSTED: quota' });
    const wrong = new VertexError('invalid', 'INVALID_ARGUMENT: bad', 'invalid_request');
    await expect(createFallbackProvider(provider('primary', 8, () => wrong), backup).embed([{ text: 'x' }], opts)).rejects.toBe(wrong);
  });

  it('never falls back on an error that does not say it may', async () => {
    const plain = new GatewayError('upstream', 'injected 503');
    await expect(createFallbackProvider(provider('primary', 8, () => plain), backup).embed([{ text: 'x' }], opts)).rejects.toBe(plain);
    const bug = new TypeError('a bug');
    await expect(createFallbackProvider(provider('primary', 8, () => bug), backup).embed([{ text: 'x' }], opts)).rejects.toBe(bug);
  });

  it('refuses rather than answer in another size than the caller asked for', async () => {
    const composed = createFallbackProvider(provider('primary', 8, () => new OtherProviderDown('upstream', 'down')), backup);
    await expect(composed.embed([{ text: 'x' }], { ...opts, dimensions: 8 })).rejects.toMatchObject({
      field: 'dimensions',
      message: expect.stringMatching(/^primary is unavailable \(unavailable\) and the fallback model backup cannot produce 8 dimensions/),
      detail: { fallback_reason: 'unavailable: other provider is down', supported_dimensions: [4] },
    });
  });
});
