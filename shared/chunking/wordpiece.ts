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
  const vocab = new Set(Object.keys(model.vocab));
  const prefix = model.continuing_subword_prefix ?? '##';
  const maxChars = model.max_input_chars_per_word ?? 100;
  const lowercase = spec.normalizer?.lowercase !== false;
  let longest = 0;
  for (const token of vocab) longest = Math.max(longest, token.startsWith(prefix) ? token.length - prefix.length : token.length);

  return (piece) => {
    if (!PLAIN.test(piece)) return undefined;
    if (piece.length > maxChars) return 1;
    const word = lowercase ? piece.toLowerCase() : piece;
    let tokens = 0;
    for (let start = 0; start < word.length; tokens++) {
      let end = Math.min(word.length, start + longest);
      while (end > start && !vocab.has(start === 0 ? word.slice(start, end) : prefix + word.slice(start, end))) end--;
      if (end === start) return 1; // one [UNK] for the whole word
      start = end;
    }
    return tokens;
  };
}
