// Token-bounded chunks with character offsets. The text is cut into tokenizer pieces once and
// each distinct piece counted once; a chunk's size is then a prefix-sum difference, so nothing
// is tokenized twice. Each chunk ends at the best gap in reach (paragraph, line, sentence,
// clause, word; the latest of the best kind), which is what a recursive splitter that merges
// greedily produces, without its repeated re-measuring. Chunks never begin or end in whitespace.
// The work is a generator that pauses every few hundred steps, so a caller on the event loop can
// let other requests run while a big text is cut (chunkTextAsync), and it stops at a cap on
// chunks, so a tiny max_tokens on a big text costs a bounded amount of work and memory.
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
  /** Past this many chunks, TooManyChunksError; unbounded when absent. */
  maxChunks?: number;
}

/** The text makes more chunks than the caller allows. */
export class TooManyChunksError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} chunks`);
    this.name = 'TooManyChunksError';
  }
}

/** Steps between pauses: small enough that a pause comes every millisecond or so, even when each
 * step counts a long word the vocabulary barely covers (tens of µs). */
const STEPS_PER_PAUSE = 64;

export function chunkText(text: string, options: ChunkOptions, counter: TokenCounter): Chunk[] {
  const steps = chunkSteps(text, options, counter);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

export interface Yielding {
  signal?: AbortSignal;
  /** How long the event loop may be held before other work gets a turn. */
  sliceMs?: number;
}

/** chunkText, giving the event loop a turn every sliceMs (default 10 ms); stops when the signal aborts. */
export async function chunkTextAsync(text: string, options: ChunkOptions, counter: TokenCounter, yielding: Yielding = {}): Promise<Chunk[]> {
  const sliceMs = yielding.sliceMs ?? 10;
  const steps = chunkSteps(text, options, counter);
  let turn = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - turn >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      if (yielding.signal?.aborted) throw yielding.signal.reason;
      turn = performance.now();
    }
  }
}

function* chunkSteps(text: string, options: ChunkOptions, counter: TokenCounter): Generator<void, Chunk[]> {
  const { maxTokens, overlapTokens } = options;
  const maxChunks = options.maxChunks ?? Infinity;
  let step = 0;
  if (!(Number.isInteger(maxTokens) && maxTokens >= 1)) throw new RangeError('maxTokens must be a whole number of at least 1');
  if (!(Number.isInteger(overlapTokens) && overlapTokens >= 0 && overlapTokens < maxTokens)) {
    throw new RangeError('overlapTokens must be a whole number from 0 to maxTokens - 1');
  }
  const pieces = splitPieces(text);
  const { count: n, starts, ends } = pieces;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    prefix[i + 1] = prefix[i]! + counter.count(text.slice(starts[i]!, ends[i]!));
    if (++step % STEPS_PER_PAUSE === 0) yield;
  }
  const levels = gapLevels(text, pieces);
  const tokensBetween = (a: number, b: number) => prefix[b]! - prefix[a]!;

  const chunks: Chunk[] = [];
  const emit = (start: number, end: number, tokens: number) => {
    if (chunks.length >= maxChunks) throw new TooManyChunksError(maxChunks);
    chunks.push({ index: chunks.length, text: text.slice(start, end), start, end, tokens });
  };

  let s = 0;
  let reach = 0;
  // A chunk that starts inside the previous one (overlap) must still end after it.
  let lastCut = 0;
  while (s < n) {
    if (++step % STEPS_PER_PAUSE === 0) yield;
    // Pieces s..reach-1 fit; reach only moves forward, so the scan is linear overall.
    if (reach < s) reach = s;
    while (reach < n && tokensBetween(s, reach + 1) <= maxTokens) reach++;
    if (reach === s) {
      // One piece longer than a chunk: a word of many word-pieces; cut it between characters.
      yield* splitWord(text, starts[s]!, ends[s]!, maxTokens, counter, emit);
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

function* splitWord(text: string, start: number, end: number, maxTokens: number, counter: TokenCounter,
  emit: (start: number, end: number, tokens: number) => void): Generator<void, void> {
  let a = start;
  while (a < end) {
    yield;
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
