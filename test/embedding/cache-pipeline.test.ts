// The embedding pipeline with its cache: hits skip the provider, every key component matters,
// and a fallback's vectors never reach an answer served by the primary (nor mix with its hits).
// Composed as the gateway composes it: each provider behind the cache (withCache), the real
// fallback around the cached primary and the cached bundled model.
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseEmbedRequest } from '../../shared/wire/native.js';
import { embedRequest } from '../../shared/embedding/service.js';
import type { Gateway } from '../../shared/gateway.js';
import { withCache } from '../../shared/providers/cached.js';
import { createFallbackProvider } from '../../shared/providers/fallback.js';
import type { EmbeddingProvider, EmbedInput, EmbedOptions, ModelInfo } from '../../shared/providers/types.js';
import { classify } from '../../shared/providers/vertex/errors.js';
import { l2Normalize } from '../../shared/vectors.js';
import { testGateway } from '../helpers/gateway.js';

/** Stands where Vertex would: a deterministic vector per (text, task), Matryoshka sizes 8 and 16. */
function fakePrimary() {
  const state = { down: false, calls: 0, texts: [] as string[] };
  const info: ModelInfo = { provider: 'vertex', model: 'fake-primary@001', dimensions: 16, dimensionSizes: [16, 8], maxTokens: 2048 };
  const vectorOf = (input: EmbedInput, options: EmbedOptions) => {
    const digest = createHash('sha256').update(`${options.task}|${input.text}`).digest();
    const full = Float32Array.from({ length: 16 }, (_, i) => digest[i]! / 255 - 0.5);
    return l2Normalize(full.slice(0, options.dimensions ?? 16));
  };
  const provider: EmbeddingProvider = {
    name: 'vertex',
    info: () => info,
    async embed(inputs, options) {
      state.calls++;
      state.texts.push(...inputs.map((i) => i.text));
      // What the Vertex provider throws for a 429: classified, so the fallback may answer.
      if (state.down) throw classify(Object.assign(new Error('quota exhausted'), { code: 8, details: 'quota exhausted' }));
      return { model: info.model, provider: 'vertex', fallback: { used: false }, vectors: inputs.map((input) => ({ values: vectorOf(input, options), tokens: input.text.length, truncated: false })) };
    },
    health: async () => ({}),
  };
  return { provider, state, vectorOf };
}

let gw: Gateway;
let primary: ReturnType<typeof fakePrimary>;

beforeEach(() => {
  const base = testGateway({});
  primary = fakePrimary();
  const cachedLocal = withCache(base.local, base.cache);
  const auto = createFallbackProvider(withCache(primary.provider, base.cache), cachedLocal);
  gw = { ...base, vertex: primary.provider, resolve: (selector) => (selector === 'local' ? cachedLocal : auto) };
});

const embed = (body: Record<string, unknown>) => embedRequest(gw, parseEmbedRequest(body, gw.config));
const values = (outcome: Awaited<ReturnType<typeof embed>>) => outcome.items.map((item) => Array.from(item.values));

describe('cache in the embedding pipeline', () => {
  it('serves a repeated request on the bundled model from cache without calling it', async () => {
    const spy = vi.spyOn(gw.local, 'embed');
    const first = await embed({ inputs: ['我喜欢看电影', 'I like movies'], model: 'local' });
    expect(spy).toHaveBeenCalledTimes(1);
    const second = await embed({ inputs: ['我喜欢看电影', 'I like movies'], model: 'local' });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(second.items.map((i) => i.cached)).toEqual([true, true]);
    expect(second.usage).toEqual({ tokens: first.usage.tokens, cached: 2 });
    expect(values(second)).toEqual(values(first));
    expect(second.items.map((i) => i.tokens)).toEqual(first.items.map((i) => i.tokens));
  });

  it('sends only the misses to the provider', async () => {
    await embed({ inputs: ['one'] });
    const mixed = await embed({ inputs: ['two', 'one', 'three'] });
    expect(primary.state.texts).toEqual(['one', 'two', 'three']);
    expect(mixed.items.map((i) => i.cached)).toEqual([false, true, false]);
    expect(mixed.usage.cached).toBe(1);
  });

  it.each([
    ['task', { task: 'RETRIEVAL_QUERY' }],
    ['dimensions', { dimensions: 8 }],
    ['truncation', { truncate: false }],
  ])('misses when the %s differs', async (_name, change) => {
    await embed({ inputs: ['same text'] });
    expect(primary.state.calls).toBe(1);
    const other = await embed({ inputs: ['same text'], ...change });
    expect(primary.state.calls).toBe(2);
    expect(other.items[0]!.cached).toBe(false);
    const again = await embed({ inputs: ['same text'], ...change });
    expect(primary.state.calls).toBe(2);
    expect(again.items[0]!.cached).toBe(true);
  });

  it('misses when the model differs', async () => {
    const spy = vi.spyOn(gw.local, 'embed');
    await embed({ inputs: ['same text'] });
    const local = await embed({ inputs: ['same text'], model: 'local' });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(local.items[0]!.cached).toBe(false);
    expect(local.model).toMatch(/^bge-small-zh/);
  });
});

describe('fallback vectors and the cache', () => {
  it('never returns a fallback vector to a request served by the primary, and never mixes models', async () => {
    const x = '检索查询', y = 'fallback text';
    const primaryX = await embed({ inputs: [x] });
    expect(primaryX.model).toBe('fake-primary@001');

    // Primary down: x is a primary hit, y a miss the primary fails on, so the whole answer is the
    // fallback model's: one call for both (nothing of the fallback's was cached yet).
    primary.state.down = true;
    const localSpy = vi.spyOn(gw.local, 'embed');
    const during = await embed({ inputs: [x, y] });
    expect(during.model).toMatch(/^bge-small-zh/);
    expect(during.provider).toBe('local');
    expect(during.fallback).toEqual({ used: true, reason: 'rate_limited: RESOURCE_EXHAUSTED: quota exhausted' });
    expect(during.dimensions).toBe(512);
    expect(during.items.map((i) => i.values.length)).toEqual([512, 512]);
    expect(during.items.map((i) => i.cached)).toEqual([false, false]);
    expect(primary.state.texts.slice(-1)).toEqual([y]);
    expect(localSpy.mock.calls.map(([inputs]) => inputs.map((i) => i.text))).toEqual([[x, y]]);
    const direct = await gw.local.embed([{ text: x }, { text: y }], { task: 'RETRIEVAL_DOCUMENT', truncate: true });
    expect(values(during)).toEqual(direct.vectors.map((v) => Array.from(v.values)));

    // Primary back: y was cached under the fallback's key only, so the primary embeds it.
    primary.state.down = false;
    const after = await embed({ inputs: [y, x] });
    expect(after.model).toBe('fake-primary@001');
    expect(after.fallback.used).toBe(false);
    expect(after.items.map((i) => i.cached)).toEqual([false, true]);
    expect(Array.from(after.items[0]!.values)).toEqual(Array.from(primary.vectorOf({ text: y }, { task: 'RETRIEVAL_DOCUMENT', truncate: true })));

    // The fallback's vectors are there for requests on the fallback model itself.
    const onLocal = await embed({ inputs: [x, y], model: 'local' });
    expect(onLocal.items.map((i) => i.cached)).toEqual([true, true]);
    expect(values(onLocal)).toEqual(values(during));
  });

  it('answers a fallback-served request from the fallback model cache when it has the rest', async () => {
    await embed({ inputs: ['a'], model: 'local' });
    await embed({ inputs: ['a'] });
    primary.state.down = true;
    const spy = vi.spyOn(gw.local, 'embed');
    const out = await embed({ inputs: ['a', 'b'] });
    expect(out.model).toMatch(/^bge-small-zh/);
    expect(out.items.map((i) => i.cached)).toEqual([true, false]);
    expect(spy.mock.calls.map(([inputs]) => inputs.map((i) => i.text))).toEqual([['b']]);
  });
});
