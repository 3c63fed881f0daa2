// Embeds a list of texts through the cache: every key is looked up first (one batch round
// trip), only the misses reach the provider, and what it makes is stored under the key of the
// model that made it. One answer never mixes models: when a fallback served the misses, the
// hits (looked up under the primary's key) are dropped and the whole list is answered by the
// model that served, from its own cache entries and its own provider.
import { cacheKey, type CachedVector } from '../cache/index.js';
import { GatewayError } from '../errors.js';
import type { Gateway } from '../gateway.js';
import type { EmbeddingProvider, EmbedOptions, EmbedVector, FallbackInfo, ProviderName, ProviderResult } from '../providers/types.js';
import { TextTooLongError } from '../providers/local/local.js';

export interface EmbedUnit {
  text: string;
  title?: string;
}

export interface UnitVector extends EmbedVector {
  cached: boolean;
}

export interface UnitsOutcome {
  model: string;
  provider: ProviderName;
  fallback: FallbackInfo;
  vectors: UnitVector[];
}

export interface UnitsContext {
  /** Names a unit in the caller's request, for errors such as a text too long to embed whole. */
  fieldOf(unit: number): string;
}

function keysFor(units: EmbedUnit[], model: string, options: EmbedOptions): string[] {
  return units.map((unit) => cacheKey({
    model,
    task: options.task,
    // 0 stands for "the model's full size", whichever model that turns out to be.
    dimensions: options.dimensions ?? 0,
    truncation: options.truncate ? 'truncate' : 'strict',
    text: unit.text,
    ...(unit.title !== undefined ? { title: unit.title } : {}),
  }));
}

async function embedSome(provider: EmbeddingProvider, units: EmbedUnit[], which: number[], options: EmbedOptions, ctx: UnitsContext): Promise<ProviderResult> {
  try {
    return await provider.embed(which.map((i) => units[i]!), options);
  } catch (error) {
    // The provider counts positions in its own call; the caller needs the position in its request.
    if (error instanceof TextTooLongError) {
      throw new GatewayError('invalid_request', error.message, { field: ctx.fieldOf(which[error.index]!) });
    }
    throw error;
  }
}

function store(gw: Gateway, keys: string[], which: number[], vectors: EmbedVector[]): Promise<void> {
  return gw.cache.setMany(which.map((unit, j) => {
    const { values, tokens, truncated } = vectors[j]!;
    return { key: keys[unit]!, value: { values, tokens, truncated } satisfies CachedVector };
  }));
}

const indices = (n: number) => Array.from({ length: n }, (_, i) => i);

export async function embedUnits(gw: Gateway, provider: EmbeddingProvider, units: EmbedUnit[], options: EmbedOptions, ctx: UnitsContext): Promise<UnitsOutcome> {
  const info = provider.info();
  const keys = keysFor(units, info.model, options);
  const hits = await gw.cache.getMany(keys);
  const misses = indices(units.length).filter((i) => hits[i] === undefined);
  const vectors: (UnitVector | undefined)[] = hits.map((hit) => (hit ? { ...hit, cached: true } : undefined));
  if (misses.length === 0) {
    return { model: info.model, provider: info.provider, fallback: { used: false }, vectors: vectors as UnitVector[] };
  }

  const result = await embedSome(provider, units, misses, options, ctx);
  if (result.model === info.model) {
    await store(gw, keys, misses, result.vectors);
    misses.forEach((unit, j) => { vectors[unit] = { ...result.vectors[j]!, cached: false }; });
    return { model: result.model, provider: result.provider, fallback: result.fallback, vectors: vectors as UnitVector[] };
  }

  // Another model served (a fallback): its vectors are cached under its own key only, and the
  // primary's hits cannot stand beside them.
  const servedKeys = keysFor(units, result.model, options);
  await store(gw, servedKeys, misses, result.vectors);
  const answer: (UnitVector | undefined)[] = new Array(units.length);
  misses.forEach((unit, j) => { answer[unit] = { ...result.vectors[j]!, cached: false }; });
  const rest = indices(units.length).filter((i) => answer[i] === undefined);
  if (rest.length > 0) {
    const found = await gw.cache.getMany(rest.map((i) => servedKeys[i]!));
    rest.forEach((unit, j) => { if (found[j]) answer[unit] = { ...found[j]!, cached: true }; });
    const still = rest.filter((i) => answer[i] === undefined);
    if (still.length > 0) {
      const serving = result.provider === 'local' ? gw.local : gw.vertex;
      if (!serving) throw new GatewayError('internal', `No ${result.provider} provider to finish a request it began`);
      const more = await embedSome(serving, units, still, options, ctx);
      if (more.model !== result.model) {
        throw new GatewayError('upstream', `The embedding model changed during the request (${result.model}, then ${more.model}); retry`);
      }
      await store(gw, servedKeys, still, more.vectors);
      still.forEach((unit, j) => { answer[unit] = { ...more.vectors[j]!, cached: false }; });
    }
  }
  return { model: result.model, provider: result.provider, fallback: result.fallback, vectors: answer as UnitVector[] };
}
