// long_text "chunk" and "pool": a text becomes token-bounded chunks sized to the active model,
// each embedded (and cached) on its own; "pool" folds them back into one vector.
import { maxOverlapFor, TooManyChunksError, type Chunk } from '../chunking/index.js';
import { tooLarge } from '../errors.js';
import type { Gateway } from '../gateway.js';
import type { ModelInfo, TaskType } from '../providers/types.js';
import type { RequestItem } from './request.js';

export interface ItemChunks {
  item: RequestItem;
  chunks: Chunk[];
}

/**
 * Chunks for every item, each small enough for the model with its special tokens (and query
 * instruction); at most CHUNK_MAX_CHUNKS in all, or a 413. The event loop gets turns meanwhile.
 */
export async function chunkItems(gw: Gateway, items: RequestItem[], info: ModelInfo, task: TaskType, signal?: AbortSignal): Promise<ItemChunks[]> {
  const { maxChunks, overlapTokens: configuredOverlap, maxOverlapPercent } = gw.config.chunking;
  const chunker = await gw.chunker();
  const reserved = chunker.counter.specialTokens + (task === 'RETRIEVAL_QUERY' ? chunker.queryInstructionTokens : 0);
  const maxTokens = Math.max(1, info.maxTokens - reserved);
  const overlapTokens = Math.min(configuredOverlap, maxOverlapFor(maxTokens, maxOverlapPercent));
  const out: ItemChunks[] = [];
  let total = 0;
  for (const item of items) {
    let chunks: Chunk[];
    try {
      chunks = await chunker.chunkAsync(item.text, { maxTokens, overlapTokens, maxChunks: maxChunks - total }, { signal });
    } catch (error) {
      if (!(error instanceof TooManyChunksError)) throw error;
      throw tooLarge('inputs', `The inputs make more than ${maxChunks} chunks (CHUNK_MAX_CHUNKS); send fewer or shorter texts, or long_text: "truncate"`);
    }
    // A text of only characters the tokenizer drops still gets one (empty) vector, as truncate would.
    if (chunks.length === 0) chunks = [{ index: 0, text: item.text, start: 0, end: item.text.length, tokens: 0 }];
    total += chunks.length;
    if (total > maxChunks) throw tooLarge('inputs', `The inputs make more than ${maxChunks} chunks (CHUNK_MAX_CHUNKS); send fewer or shorter texts, or long_text: "truncate"`);
    out.push({ item, chunks });
  }
  return out;
}

/** The token-weighted mean of chunk vectors, L2-normalised. */
export function poolVectors(vectors: { values: Float32Array; tokens: number }[]): Float32Array {
  const dims = vectors[0]!.values.length;
  const sum = new Float64Array(dims);
  let weight = 0;
  for (const { values, tokens } of vectors) {
    const w = Math.max(tokens, 1);
    weight += w;
    for (let i = 0; i < dims; i++) sum[i]! += w * values[i]!;
  }
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    sum[i]! /= weight;
    norm += sum[i]! * sum[i]!;
  }
  norm = Math.sqrt(norm);
  const out = new Float32Array(dims);
  for (let i = 0; i < dims; i++) out[i] = norm === 0 ? sum[i]! : sum[i]! / norm;
  return out;
}
