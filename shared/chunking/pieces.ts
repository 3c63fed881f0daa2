// Cuts text into the pieces a BERT tokenizer tokenizes independently, with their character
// offsets: runs of word characters, and single punctuation or (BMP) CJK characters, between
// whitespace. The classes copy transformers.js's BertNormalizer and BertPreTokenizer exactly,
// because token counts are summed per piece: a piece boundary the tokenizer does not also
// have would make the sum wrong.

export const GAP = 0;
export const WORD = 1;
export const SINGLE = 2;

let bmp: Uint8Array | undefined;
// Classes of astral code points met so far; bounded (a text of every emoji and rare CJK
// extension character would otherwise grow it to a million entries).
const astral = new Map<number, number>();
const MAX_ASTRAL = 4096;

const PUNCTUATION = /^[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]$/u;
// clean_text drops these before whitespace is looked at, so they never separate words.
const CONTROL = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u;

/** Same ranges as the tokenizer's is_chinese_char; it tests UTF-16 units, so astral ones never match. */
function isCjk(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff);
}

function classify(codePoint: number): number {
  const char = String.fromCodePoint(codePoint);
  const removed = codePoint === 0 || codePoint === 0xfffd || (CONTROL.test(char) && char !== '\t' && char !== '\n' && char !== '\r');
  if (removed) return WORD;
  if (/^\s$/u.test(char)) return GAP;
  if (PUNCTUATION.test(char) || isCjk(codePoint)) return SINGLE;
  return WORD;
}

function bmpTable(): Uint8Array {
  if (!bmp) {
    bmp = new Uint8Array(0x10000);
    for (let c = 0; c < 0x10000; c++) bmp[c] = c >= 0xd800 && c <= 0xdfff ? WORD : classify(c);
  }
  return bmp;
}

export interface Pieces {
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  kinds: Uint8Array;
}

export function splitPieces(text: string): Pieces {
  const table = bmpTable();
  const starts = new Int32Array(text.length);
  const ends = new Int32Array(text.length);
  const kinds = new Uint8Array(text.length);
  let count = 0;
  let wordStart = -1;
  let i = 0;
  while (i < text.length) {
    const unit = text.charCodeAt(i);
    let width = 1;
    let kind: number;
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        const codePoint = (unit - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        width = 2;
        kind = astral.get(codePoint) ?? -1;
        if (kind < 0) {
          kind = classify(codePoint);
          if (astral.size >= MAX_ASTRAL) astral.clear();
          astral.set(codePoint, kind);
        }
      } else {
        kind = WORD;
      }
    } else {
      kind = table[unit]!;
    }
    if (kind === WORD) {
      if (wordStart < 0) wordStart = i;
    } else {
      if (wordStart >= 0) {
        starts[count] = wordStart;
        ends[count] = i;
        kinds[count++] = WORD;
        wordStart = -1;
      }
      if (kind === SINGLE) {
        starts[count] = i;
        ends[count] = i + width;
        kinds[count++] = SINGLE;
      }
    }
    i += width;
  }
  if (wordStart >= 0) {
    starts[count] = wordStart;
    ends[count] = text.length;
    kinds[count++] = WORD;
  }
  return { count, starts, ends, kinds };
}
