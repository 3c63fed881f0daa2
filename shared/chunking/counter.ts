// Token counts per piece, remembered: a long document repeats its characters and words
// thousands of times, so each distinct piece is tokenized once.
export interface PieceTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
}

export interface TokenCounter {
  /** Tokens of a text, without the model's special tokens. */
  count(text: string): number;
  /** [CLS] and [SEP] for BERT: what a sequence costs beyond its text. */
  readonly specialTokens: number;
}

// Bounds memory on adversarial input (every word distinct); a long book has far fewer.
const MAX_REMEMBERED = 200_000;

export function createTokenCounter(tokenizer: PieceTokenizer): TokenCounter {
  const memo = new Map<string, number>();
  const specialTokens = tokenizer.encode('', { add_special_tokens: true }).length;
  return {
    specialTokens,
    count(text) {
      let tokens = memo.get(text);
      if (tokens === undefined) {
        tokens = tokenizer.encode(text, { add_special_tokens: false }).length;
        if (memo.size >= MAX_REMEMBERED) memo.clear();
        memo.set(text, tokens);
      }
      return tokens;
    },
  };
}
