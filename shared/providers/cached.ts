// A provider behind the embedding cache (DESIGN.md, Caching): every key is looked up first (one
// batch round trip), only the misses reach the provider, and what it makes is stored under the
// key of its model. Fallback wraps cached providers, so a fallback vector is cached under the
// fallback model's key and an answer never mixes models: when the primary fails, the whole list
// goes to the fallback's cached provider, whose hits are its own model's.
//
// Inputs may carry their own task (Vertex callers mix them in one call): the misses go to the
// provider one call per task, one after another, so a failure in any task fails the call before
// the next is made. Vectors leave at unit length unless options.normalize is false, and are
// cached as they leave (the key says which).
import { cacheKey, type CachedVector, type EmbeddingCache } from '../cache/index.js';
import { GatewayError } from '../errors.js';
import { l2Normalize } from '../vectors.js';
import { InputRefusedError } from './errors.js';
import type { EmbeddingProvider, EmbedInput, EmbedOptions, EmbedVector, ProviderResult, TaskType } from './types.js';

function keysFor(inputs: EmbedInput[], model: string, options: EmbedOptions): string[] {
  return inputs.map((input) => cacheKey({
    model,
    task: input.task ?? options.task,
    // 0 stands for "the model's full size".
    dimensions: options.dimensions ?? 0,
    truncation: options.truncate ? 'truncate' : 'strict',
    normalized: options.normalize !== false,
    text: input.text,
    ...(input.title !== undefined ? { title: input.title } : {}),
  }));
}

/** Positions of `which` grouped by their task, in order of first appearance. */
function byTask(inputs: EmbedInput[], which: number[], task: TaskType): Map<TaskType, number[]> {
  const groups = new Map<TaskType, number[]>();
  for (const i of which) {
    const t = inputs[i]!.task ?? task;
    if (!groups.has(t)) groups.set(t, []);
    groups.get(t)!.push(i);
  }
  return groups;
}

export function withCache(provider: EmbeddingProvider, cache: EmbeddingCache): EmbeddingProvider {
  return {
    name: provider.name,
    info: () => provider.info(),
    health: () => provider.health(),
    async embed(inputs: EmbedInput[], options: EmbedOptions): Promise<ProviderResult> {
      const { model, provider: name } = provider.info();
      const keys = keysFor(inputs, model, options);
      const hits = await cache.getMany(keys);
      const vectors: (EmbedVector | undefined)[] = hits.map((hit) => (hit ? { ...hit, cached: true } : undefined));
      const misses = hits.flatMap((hit, i) => (hit ? [] : [i]));
      const made: { key: string; value: CachedVector }[] = [];
      for (const [task, group] of byTask(inputs, misses, options.task)) {
        let result: ProviderResult;
        try {
          result = await provider.embed(group.map((i) => ({ text: inputs[i]!.text, ...(inputs[i]!.title !== undefined ? { title: inputs[i]!.title } : {}) })), { ...options, task });
        } catch (error) {
          // The provider counts positions in its own call; the caller counts them in this one.
          throw error instanceof InputRefusedError ? error.at(group[error.index]!) : error;
        }
        // The keys name the model the provider says it serves; anything else would be cached and
        // answered under the wrong model.
        if (result.model !== model) throw new GatewayError('internal', `${name} provider answered with ${result.model}, not its model ${model}`);
        group.forEach((unit, j) => {
          const { values, tokens, truncated } = result.vectors[j]!;
          const value = { values: options.normalize !== false ? l2Normalize(values) : values, tokens, truncated };
          vectors[unit] = { ...value, cached: false };
          made.push({ key: keys[unit]!, value });
        });
      }
      if (made.length > 0) await cache.setMany(made);
      return { model, provider: name, fallback: { used: false }, vectors: vectors as EmbedVector[] };
    },
  };
}
