// Token-bounded chunks with character offsets. The text is cut into tokenizer pieces once and
// each distinct piece counted once; a chunk's size is then a prefix-sum difference, so nothing
// is tokenized twice. Each chunk ends at the best gap in reach (paragraph, line, sentence,
// clause, word; the latest of the best kind), which is what a recursive splitter that merges
// greedily produces, without its repeated re-measuring. Chunks never begin or end in whitespace.
import { gapLevels, WORD } from './boundaries.js';
import type { TokenCounter } from './counter.js';
import { splitPieces } from './pieces.js';

export interface Chunk {
  index: number;
  text: string;
  /** Character (UTF-16 code unit) offsets into the original text: text.slice(start, end). */
  start: number;
  end: number;
  /** Tokens of the chunk's text, without special tokens. */
  tokens: number;
}

export interface ChunkOptions {
  maxTokens: number;
  overlapTokens: number;
}

export function chunkText(text: string, options: ChunkOptions, counter: TokenCounter): Chunk[] {
  const { maxTokens, overlapTokens } = options;
  if (!(Number.isInteger(maxTokens) && maxTokens >= 1)) throw new RangeError('maxTokens must be a whole number of at least 1');
  if (!(Number.isInteger(overlapTokens) && overlapTokens >= 0 && overlapTokens < maxTokens)) {
    throw new RangeError('overlapTokens must be a whole number from 0 to maxTokens - 1');
  }
  const pieces = splitPieces(text);
  const { count: n, starts, ends } = pieces;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + counter.count(text.slice(starts[i]!, ends[i]!));
  const levels = gapLevels(text, pieces);
  const tokensBetween = (a: number, b: number) => prefix[b]! - prefix[a]!;

  const chunks: Chunk[] = [];
  const emit = (start: number, end: number, tokens: number) => {
    chunks.push({ index: chunks.length, text: text.slice(start, end), start, end, tokens });
  };

  let s = 0;
  let reach = 0;
  // A chunk that starts inside the previous one (overlap) must still end after it.
  let lastCut = 0;
  while (s < n) {
    // Pieces s..reach-1 fit; reach only moves forward, so the scan is linear overall.
    if (reach < s) reach = s;
    while (reach < n && tokensBetween(s, reach + 1) <= maxTokens) reach++;
    if (reach === s) {
      // One piece longer than a chunk: a word of many word-pieces; cut it between characters.
      splitWord(text, starts[s]!, ends[s]!, maxTokens, counter, emit);
      s++;
      continue;
    }
    if (reach === n) {
      emit(starts[s]!, ends[n - 1]!, tokensBetween(s, n));
      break;
    }
    let cut = reach;
    for (let i = reach - 1; i > Math.max(s, lastCut); i--) if (levels[i]! > levels[cut]!) cut = i;
    emit(starts[s]!, ends[cut - 1]!, tokensBetween(s, cut));
    lastCut = cut;
    s = overlapTokens > 0 ? overlapStart(s, cut) : cut;
  }
  return chunks;

  /** Where the next chunk begins: the best gap whose tail fits the overlap, taking the most text. */
  function overlapStart(s: number, cut: number): number {
    let best = -1;
    for (let p = cut - 1; p > s && tokensBetween(p, cut) <= overlapTokens; p--) {
      // Never open a chunk on a mark that belongs to the previous word.
      if (levels[p]! >= WORD && (best < 0 || levels[p]! >= levels[best]!)) best = p;
    }
    if (best < 0) return cut;
    // The next chunk must reach past this one's end, or the overlap would stall progress.
    return tokensBetween(best, cut + 1) <= maxTokens ? best : cut;
  }
}

function splitWord(text: string, start: number, end: number, maxTokens: number, counter: TokenCounter,
  emit: (start: number, end: number, tokens: number) => void): void {
  let a = start;
  while (a < end) {
    let b = nextCodePoint(text, a);
    let fitting = b;
    let fittingTokens = counter.count(text.slice(a, b));
    while (b < end) {
      b = nextCodePoint(text, b);
      const tokens = counter.count(text.slice(a, b));
      if (tokens > maxTokens) break;
      fitting = b;
      fittingTokens = tokens;
    }
    emit(a, fitting, fittingTokens);
    a = fitting;
  }
}

function nextCodePoint(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return i + 2;
  }
  return i + 1;
}
