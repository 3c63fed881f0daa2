// Embeds a list of texts through the cache: every key is looked up first (one batch round
// trip), only the misses reach the provider, and what it makes is stored under the key of the
// model that made it. One answer never mixes models: when a fallback served the misses, the
// hits (looked up under the primary's key) are dropped and the whole list is answered by the
// model that served, from its own cache entries and its own provider. Units may carry their own
// task (Vertex callers mix them in one call): each task is one provider call, answered in order.
// Vectors leave at unit length unless the caller asks for them as the model made them.
import { cacheKey, type CachedVector } from '../cache/index.js';
import { GatewayError } from '../errors.js';
import type { Gateway } from '../gateway.js';
import type { EmbeddingProvider, EmbedOptions, EmbedVector, FallbackInfo, ProviderName, ProviderResult, TaskType } from '../providers/types.js';
import { TextTooLongError } from '../providers/local/local.js';
import { l2Normalize } from '../vectors.js';

export interface EmbedUnit {
  text: string;
  title?: string;
  /** This unit's task when it differs from the request's. */
  task?: TaskType;
}

export interface UnitsOptions extends EmbedOptions {
  /** Unit-length vectors (the default), or false for the vectors as the model made them. */
  normalize?: boolean;
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

function keysFor(units: EmbedUnit[], model: string, options: UnitsOptions): string[] {
  return units.map((unit) => cacheKey({
    model,
    task: unit.task ?? options.task,
    // 0 stands for "the model's full size", whichever model that turns out to be.
    dimensions: options.dimensions ?? 0,
    truncation: options.truncate ? 'truncate' : 'strict',
    normalized: options.normalize !== false,
    text: unit.text,
    ...(unit.title !== undefined ? { title: unit.title } : {}),
  }));
}

/** One provider call's answer for some of the units (`which` are their positions). */
interface Part {
  which: number[];
  result: ProviderResult;
}

async function embedSome(provider: EmbeddingProvider, units: EmbedUnit[], which: number[], options: UnitsOptions, ctx: UnitsContext): Promise<Part[]> {
  const byTask = new Map<TaskType, number[]>();
  for (const unit of which) {
    const task = units[unit]!.task ?? options.task;
    if (!byTask.has(task)) byTask.set(task, []);
    byTask.get(task)!.push(unit);
  }
  const parts: Part[] = [];
  // One task after another: a fallback in the first is then seen before the next call is made.
  for (const [task, group] of byTask) {
    try {
      const result = await provider.embed(group.map((i) => ({ text: units[i]!.text, ...(units[i]!.title !== undefined ? { title: units[i]!.title } : {}) })), { ...options, task });
      const normalize = options.normalize !== false;
      parts.push({ which: group, result: normalize ? { ...result, vectors: result.vectors.map((v) => ({ ...v, values: l2Normalize(v.values) })) } : result });
    } catch (error) {
      // The provider counts positions in its own call; the caller needs the position in its request.
      if (error instanceof TextTooLongError) {
        throw new GatewayError('invalid_request', error.message, { field: ctx.fieldOf(group[error.index]!) });
      }
      throw error;
    }
  }
  return parts;
}

function store(gw: Gateway, keys: string[], parts: Part[]): Promise<void> {
  return gw.cache.setMany(parts.flatMap(({ which, result }) => which.map((unit, j) => {
    const { values, tokens, truncated } = result.vectors[j]!;
    return { key: keys[unit]!, value: { values, tokens, truncated } satisfies CachedVector };
  })));
}

function fill(answer: (UnitVector | undefined)[], parts: Part[]): void {
  for (const { which, result } of parts) which.forEach((unit, j) => { answer[unit] = { ...result.vectors[j]!, cached: false }; });
}

const indices = (n: number) => Array.from({ length: n }, (_, i) => i);

export async function embedUnits(gw: Gateway, provider: EmbeddingProvider, units: EmbedUnit[], options: UnitsOptions, ctx: UnitsContext): Promise<UnitsOutcome> {
  const info = provider.info();
  const keys = keysFor(units, info.model, options);
  const hits = await gw.cache.getMany(keys);
  const misses = indices(units.length).filter((i) => hits[i] === undefined);
  const vectors: (UnitVector | undefined)[] = hits.map((hit) => (hit ? { ...hit, cached: true } : undefined));
  if (misses.length === 0) {
    return { model: info.model, provider: info.provider, fallback: { used: false }, vectors: vectors as UnitVector[] };
  }

  const parts = await embedSome(provider, units, misses, options, ctx);
  const served = parts.find((part) => part.result.model !== info.model)?.result;
  if (!served) {
    await store(gw, keys, parts);
    fill(vectors, parts);
    const { model, provider: name, fallback } = parts[0]!.result;
    return { model, provider: name, fallback, vectors: vectors as UnitVector[] };
  }

  // Another model served (a fallback): its vectors are cached under its own key only, and the
  // primary's hits (or tasks it did answer) cannot stand beside them.
  const servedKeys = keysFor(units, served.model, options);
  const own = parts.filter((part) => part.result.model === served.model);
  await store(gw, servedKeys, own);
  const answer: (UnitVector | undefined)[] = new Array(units.length);
  fill(answer, own);
  const rest = indices(units.length).filter((i) => answer[i] === undefined);
  if (rest.length > 0) {
    const found = await gw.cache.getMany(rest.map((i) => servedKeys[i]!));
    rest.forEach((unit, j) => { if (found[j]) answer[unit] = { ...found[j]!, cached: true }; });
    const still = rest.filter((i) => answer[i] === undefined);
    if (still.length > 0) {
      const serving = served.provider === 'local' ? gw.local : gw.vertex;
      if (!serving) throw new GatewayError('internal', `No ${served.provider} provider to finish a request it began`);
      const more = await embedSome(serving, units, still, options, ctx);
      const other = more.find((part) => part.result.model !== served.model);
      if (other) {
        throw new GatewayError('upstream', `The embedding model changed during the request (${served.model}, then ${other.result.model}); retry`);
      }
      await store(gw, servedKeys, more);
      fill(answer, more);
    }
  }
  return { model: served.model, provider: served.provider, fallback: served.fallback, vectors: answer as UnitVector[] };
}
