// How good a place each gap between two pieces is for a cut (DESIGN.md, Chunking): paragraph,
// line, sentence, clause, word. Punctuation binds to what precedes it, so the gap before a
// punctuation mark is the worst place, and `。` stays with its sentence.
import { SINGLE, type Pieces } from './pieces.js';

export const PARAGRAPH = 5;
export const LINE = 4;
export const SENTENCE = 3;
export const CLAUSE = 2;
export const WORD = 1;
export const INSIDE = 0;

// Full-width marks end a sentence or clause wherever they stand; ASCII ones only before a space,
// so 3.14, 1,000 and example.com stay whole.
const WIDE_SENTENCE = new Set([...'。！？；…｡‼⁇⁈⁉']);
const ASCII_SENTENCE = new Set([...'.!?;']);
const WIDE_CLAUSE = new Set([...'，、：､﹐﹑']);
const ASCII_CLAUSE = new Set([...',:']);
const CLOSERS = new Set([...'"\'”’」』）)]】》〉｣']);
const OPENERS = new Set([...'“‘「『（([【《〈｢']);

/** levels[i] rates the gap before piece i (levels[0] is unused). */
export function gapLevels(text: string, pieces: Pieces): Uint8Array {
  const { count, starts, ends, kinds } = pieces;
  const levels = new Uint8Array(count);
  for (let i = 1; i < count; i++) {
    const gapStart = ends[i - 1]!;
    const gapEnd = starts[i]!;
    if (gapEnd > gapStart) {
      let newlines = 0;
      for (let j = gapStart; j < gapEnd; j++) {
        const c = text.charCodeAt(j);
        if (c === 10 || c === 0x2028) newlines++;
        else if (c === 0x2029) newlines += 2;
      }
      if (newlines >= 2) { levels[i] = PARAGRAPH; continue; }
      if (newlines === 1) { levels[i] = LINE; continue; }
    } else if (kinds[i] === SINGLE && isPunctuation(text, starts[i]!, ends[i]!) && !OPENERS.has(text.slice(starts[i]!, ends[i]!))) {
      levels[i] = INSIDE;
      continue;
    } else if (!isCjk(text, pieces, i) && !isCjk(text, pieces, i - 1) && text.charCodeAt(gapStart - 1) < 0x2000) {
      // Glued Latin marks (3.14, a,b, e-mail) sit inside one whitespace-delimited word.
      levels[i] = INSIDE;
      continue;
    }
    levels[i] = afterPunctuation(text, pieces, i - 1, gapEnd > gapStart);
  }
  return levels;
}

function isCjk(text: string, pieces: Pieces, i: number): boolean {
  return pieces.kinds[i] === SINGLE && !isPunctuation(text, pieces.starts[i]!, pieces.ends[i]!);
}

function isPunctuation(text: string, start: number, end: number): boolean {
  if (end - start !== 1) return true;
  const c = text.charCodeAt(start);
  return !((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff));
}

function afterPunctuation(text: string, pieces: Pieces, last: number, spaced: boolean): number {
  const { starts, ends, kinds } = pieces;
  let p = last;
  // Step back over closing quotes and brackets glued to the mark: 。” ends the sentence after ”.
  while (p > 0 && kinds[p] === SINGLE && CLOSERS.has(text.slice(starts[p]!, ends[p]!)) && starts[p] === ends[p - 1]) p--;
  if (kinds[p] !== SINGLE) return WORD;
  const mark = text.slice(starts[p]!, ends[p]!);
  if (WIDE_SENTENCE.has(mark) || (spaced && ASCII_SENTENCE.has(mark))) return SENTENCE;
  if (WIDE_CLAUSE.has(mark) || (spaced && ASCII_CLAUSE.has(mark))) return CLAUSE;
  return WORD;
}
