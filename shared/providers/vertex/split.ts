// Packs a batch into Vertex calls that stay within the model's caps: instances per call and
// tokens per call. We cannot run Vertex's tokenizer here, so the estimate leans high; if Vertex
// still says a call is too big, vertex.ts splits that call and retries the halves.
import type { VertexModelLimits } from './models.js';

const TOKEN = /(\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul})|([\p{L}\p{N}\p{M}]+)|(\S)/gu;

/**
 * An upper-leaning token count: one per CJK character, one per three letters of a word, one per
 * other symbol, plus one. SentencePiece models average about four letters per token on English.
 */
export function estimateTokens(text: string): number {
  let tokens = 1;
  for (const match of text.matchAll(TOKEN)) tokens += match[2] ? Math.ceil(match[2].length / 3) : 1;
  return tokens;
}

/** What a text costs in a call: Vertex cuts each text at its per-text limit when truncating. */
export function callTokens(text: string, limits: VertexModelLimits, truncate: boolean): number {
  const estimate = estimateTokens(text);
  return truncate ? Math.min(estimate, limits.maxTokensPerText) : estimate;
}

/** Greedy, in input order: returns index ranges [start, end) whose sums stay within the caps. */
export function planCalls(tokens: number[], limits: Pick<VertexModelLimits, 'maxInstancesPerCall' | 'maxTokensPerCall'>): [number, number][] {
  const calls: [number, number][] = [];
  let start = 0;
  let sum = 0;
  tokens.forEach((count, i) => {
    const full = i - start >= limits.maxInstancesPerCall || (i > start && sum + count > limits.maxTokensPerCall);
    if (full) {
      calls.push([start, i]);
      start = i;
      sum = 0;
    }
    sum += count;
  });
  if (tokens.length > start) calls.push([start, tokens.length]);
  return calls;
}
