// Tokenizing no more of a text than its truncation needs. A BERT tokenizer splits text at
// whitespace, punctuation and CJK characters and tokenizes each piece alone, so the tokens of a
// prefix that ends at such a gap are exactly the first tokens of the whole text. Once a prefix
// alone passes the limit, the cut text is known: a 4 MB text costs what its first few
// thousand characters cost.
export type Encode = (text: string) => number[];

/** Characters read first per token of the limit; grown fourfold while that is not enough. */
const CHARS_PER_TOKEN = 6;
/** How far back from a size a gap is looked for (a longer word is one [UNK] token to BERT). */
const GAP_SEARCH = 256;

/**
 * Token ids of `text` with special tokens; when the text has more than `limit` tokens, possibly
 * only those of a prefix, which still has more than `limit` (so the first `limit - 1` ids and the
 * fact that the text is over the limit are the whole text's).
 */
export function encodeWithin(encode: Encode, text: string, limit: number): number[] {
  for (let size = Math.max(limit * CHARS_PER_TOKEN, 1024); size < text.length; size *= 4) {
    const cut = gapBefore(text, size);
    if (cut <= 0) continue;
    const ids = encode(text.slice(0, cut));
    if (ids.length > limit) return ids;
  }
  return encode(text);
}

/** The end of the last whitespace, punctuation or CJK character at or before `at`; 0 if none is near. */
export function gapBefore(text: string, at: number): number {
  for (let i = at - 1; i >= Math.max(0, at - GAP_SEARCH); i--) {
    if (isGap(text.charCodeAt(i))) return i + 1;
  }
  return 0;
}

function isGap(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0x3000 || c === 0xa0
    || (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e)
    || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)
    || c === 0x3001 || c === 0x3002 || c === 0xff0c || c === 0xff01 || c === 0xff1f || c === 0xff1b || c === 0xff1a;
}
