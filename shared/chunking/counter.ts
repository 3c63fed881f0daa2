// Token counts per piece, remembered: a long document repeats its characters and words
// thousands of times, so each distinct piece is tokenized once. The memo is bounded in bytes,
// remembers short pieces only (a long word seldom repeats), and keeps copies of its keys: a
// piece is a slice of the request's text, and V8 keeps the whole text alive behind a slice.
export interface PieceTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
}

export interface TokenCounter {
  /** Tokens of a text, without the model's special tokens. */
  count(text: string): number;
  /** [CLS] and [SEP] for BERT: what a sequence costs beyond its text. */
  readonly specialTokens: number;
}

/** Longest piece remembered, in UTF-16 code units. */
const MAX_KEY_LENGTH = 48;
/** What a Map entry costs beyond its key's characters (entry, string header, number), roughly. */
const ENTRY_BYTES = 64;
/** Slices at least this long are views into their parent string in V8; shorter ones are copies. */
const SLICED_MIN = 13;

export interface CounterOptions {
  /** Bytes the memo may hold (keys and entries); it starts afresh when full. */
  memoBytes: number;
  /** Counts some pieces without the tokenizer (see wordpiece.ts); undefined where it cannot. */
  fastCount?: (piece: string) => number | undefined;
}

export function createTokenCounter(tokenizer: PieceTokenizer, options: CounterOptions = { memoBytes: 16 * 1024 * 1024 }): TokenCounter {
  const memo = new Map<string, number>();
  let bytes = 0;
  const specialTokens = tokenizer.encode('', { add_special_tokens: true }).length;
  return {
    specialTokens,
    count(text) {
      let tokens = memo.get(text);
      if (tokens === undefined) {
        tokens = options.fastCount?.(text);
        if (tokens !== undefined) return tokens;
        tokens = tokenizer.encode(text, { add_special_tokens: false }).length;
        if (text.length <= MAX_KEY_LENGTH && options.memoBytes > 0) {
          const cost = ENTRY_BYTES + 2 * text.length;
          if (bytes + cost > options.memoBytes) {
            memo.clear();
            bytes = 0;
          }
          memo.set(detach(text), tokens);
          bytes += cost;
        }
      }
      return tokens;
    },
  };
}

/** A copy of the string that does not reference the string it was sliced from. */
export function detach(text: string): string {
  return text.length < SLICED_MIN ? text : Buffer.from(text, 'utf16le').toString('utf16le');
}
