// Counts the WordPiece tokens of a plain ASCII word (letters and digits) straight from the
// vocabulary, as BERT's WordPiece does it: lower-cased when the normalizer lower-cases, greedy
// longest match first, continuation pieces prefixed, [UNK] for a word it cannot cover or one
// past max_input_chars_per_word. The tokenizer library takes tens of microseconds per call,
// which a text of distinct words (every piece new to the memo) pays hundreds of thousands of
// times; this takes about one. Anything but a plain ASCII word is left to the tokenizer.
export interface WordPieceSpec {
  normalizer?: { lowercase?: boolean };
  model?: { type?: string; vocab?: Record<string, number>; continuing_subword_prefix?: string; max_input_chars_per_word?: number };
}

export type FastCount = (piece: string) => number | undefined;

const PLAIN = /^[A-Za-z0-9]+$/;

export function wordPieceCounter(spec: WordPieceSpec): FastCount | undefined {
  const model = spec.model;
  if (model?.type !== 'WordPiece' || !model.vocab) return undefined;
  const prefix = model.continuing_subword_prefix ?? '##';
  const maxChars = model.max_input_chars_per_word ?? 100;
  const lowercase = spec.normalizer?.lowercase !== false;
  // Entries a word may start with, and continuations (without their prefix), each with every
  // prefix of its entries: the greedy match extends a piece while it still begins some entry and
  // keeps the longest that is one, instead of trying every length down from the longest entry. A
  // word of letters the vocabulary barely covers (a random 99-letter word: ~66 pieces) took
  // ~0.6 ms that way, which held the event loop for hundreds of ms on a /chunk of such words.
  const heads = new Set<string>();
  const tails = new Set<string>();
  const headStarts = new Set<string>();
  const tailStarts = new Set<string>();
  for (const token of Object.keys(model.vocab)) {
    heads.add(token);
    for (let i = 1; i <= token.length; i++) headStarts.add(token.slice(0, i));
    if (token.startsWith(prefix) && token.length > prefix.length) {
      const tail = token.slice(prefix.length);
      tails.add(tail);
      for (let i = 1; i <= tail.length; i++) tailStarts.add(tail.slice(0, i));
    }
  }

  return (piece) => {
    if (!PLAIN.test(piece)) return undefined;
    if (piece.length > maxChars) return 1;
    const word = lowercase ? piece.toLowerCase() : piece;
    let tokens = 0;
    for (let start = 0; start < word.length; tokens++) {
      const entries = start === 0 ? heads : tails;
      const starts = start === 0 ? headStarts : tailStarts;
      let best = start;
      for (let end = start + 1; end <= word.length; end++) {
        const part = word.slice(start, end);
        if (!starts.has(part)) break;
        if (entries.has(part)) best = end;
      }
      if (best === start) return 1; // one [UNK] for the whole word
      start = best;
    }
    return tokens;
  };
}
