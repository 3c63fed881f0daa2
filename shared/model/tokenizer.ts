// A model folder's tokenizer: tokenizer.json and tokenizer_config.json, run by
// @huggingface/tokenizers, the pure-JS tokenizer that transformers.js itself wraps (its
// AutoTokenizer.encode is this encode). Counting or cutting tokens (chunking, the local
// provider's truncation, /healthz's warm-up) therefore never loads transformers.js or
// onnxruntime. Loaded once per folder, on first use.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { lazyBy } from '../lazy.js';

/** The parts of tokenizer.json this project reads itself. */
export interface TokenizerSpec {
  normalizer?: { type?: string; lowercase?: boolean; clean_text?: boolean; handle_chinese_chars?: boolean };
  pre_tokenizer?: { type?: string };
  model?: { type?: string; vocab?: Record<string, number>; continuing_subword_prefix?: string; max_input_chars_per_word?: number };
}

export interface ModelTokenizer {
  /** Token ids, with the model's special tokens unless add_special_tokens is false; never cut. */
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  /** Id that closes a sequence ([SEP] for BERT), kept when a sequence is cut. */
  endTokenId: number;
  /** tokenizer.json as read (chunking counts plain words from its vocabulary). */
  spec: TokenizerSpec;
  /**
   * Whether each whitespace-, punctuation- or CJK-delimited piece is tokenized on its own
   * (BERT's normalizer, pre-tokenizer and WordPiece): what piece-wise counting and reading a long
   * text only up to its limit rely on.
   */
  pieceWise: boolean;
}

/** [SEP] in BERT vocabularies, for a folder whose config names no separator token. */
const BERT_SEP_ID = 102;

export function isPieceWiseSpec(spec: TokenizerSpec): boolean {
  return spec.normalizer?.type === 'BertNormalizer' && spec.normalizer.clean_text !== false
    && spec.normalizer.handle_chinese_chars !== false && spec.pre_tokenizer?.type === 'BertPreTokenizer' && spec.model?.type === 'WordPiece';
}

/** A token named in tokenizer_config.json: a string, or an AddedToken object. */
function configToken(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return undefined;
}

async function readJson(file: string, fallback?: unknown): Promise<any> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if (fallback !== undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new Error(`LOCAL_MODEL_DIR: cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The tokenizer of the model folder `dir`, loaded once (a failed load is tried again). */
export const loadTokenizer: (dir: string) => Promise<ModelTokenizer> = lazyBy(async (dir: string) => {
  const [spec, config, { Tokenizer }] = await Promise.all([
    readJson(path.join(dir, 'tokenizer.json')) as Promise<TokenizerSpec>,
    readJson(path.join(dir, 'tokenizer_config.json'), {}),
    import('@huggingface/tokenizers'),
  ]);
  const tokenizer = new Tokenizer(spec, config);
  const sep = configToken(config.sep_token);
  return {
    encode: (text, options) => tokenizer.encode(text, { add_special_tokens: options?.add_special_tokens ?? true }).ids,
    endTokenId: (sep !== undefined ? tokenizer.token_to_id(sep) : undefined) ?? BERT_SEP_ID,
    spec,
    pieceWise: isPieceWiseSpec(spec),
  };
});
