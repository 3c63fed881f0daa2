// The chunker for a model folder: its own tokenizer (tokenizer.json, loaded locally), counted
// piece by piece. Loaded once per folder, on first use.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lazyBy } from '../lazy.js';
import { readModelFolder } from '../model/folder.js';
import { loadTokenizer } from '../providers/local/runtime.js';
import { chunkText, chunkTextAsync, type Chunk, type ChunkOptions, type Yielding } from './chunker.js';
import { createTokenCounter, type PieceTokenizer, type TokenCounter } from './counter.js';
import { wordPieceCounter } from './wordpiece.js';

export { TooManyChunksError } from './chunker.js';
export type { Chunk, ChunkOptions } from './chunker.js';

export interface Chunker {
  /** The model whose tokens are counted, id@revision. */
  model: string;
  counter: TokenCounter;
  /** Tokens the bundled model's retrieval-query instruction adds in front of a query. */
  queryInstructionTokens: number;
  chunk(text: string, options: ChunkOptions): Chunk[];
  /** chunk, letting the event loop run every few milliseconds: what request handlers use. */
  chunkAsync(text: string, options: ChunkOptions, yielding?: Yielding): Promise<Chunk[]>;
}

/**
 * Whether the folder's tokenizer tokenizes each whitespace-, punctuation- or CJK-delimited piece
 * on its own (BERT's normalizer, pre-tokenizer and WordPiece): what piece-wise counting and
 * reading a long text only up to its limit rely on.
 */
export function isPieceWiseTokenizer(dir: string): boolean {
  return isPieceWiseSpec(readTokenizerSpec(dir));
}

function readTokenizerSpec(dir: string): any {
  return JSON.parse(readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'));
}

function isPieceWiseSpec(spec: any): boolean {
  return spec.normalizer?.type === 'BertNormalizer' && spec.normalizer.clean_text !== false
    && spec.normalizer.handle_chinese_chars !== false && spec.pre_tokenizer?.type === 'BertPreTokenizer' && spec.model?.type === 'WordPiece';
}

function assertBertTokenizer(dir: string, spec: any): void {
  if (!isPieceWiseSpec(spec)) throw new Error(`LOCAL_MODEL_DIR: chunking needs a BERT WordPiece tokenizer; ${dir}/tokenizer.json is another kind`);
}

/** The chunker of a model folder, loaded once (a failed load is tried again on the next call). */
export const chunkerFor: (modelDir: string, memoBytes?: number) => Promise<Chunker> = lazyBy(async (modelDir: string, memoBytes?: number) => {
  const folder = readModelFolder(modelDir);
  const spec = readTokenizerSpec(folder.dir);
  assertBertTokenizer(folder.dir, spec);
  const counter = createTokenCounter((await loadTokenizer(folder)) as unknown as PieceTokenizer, {
    memoBytes: memoBytes ?? 16 * 1024 * 1024,
    fastCount: wordPieceCounter(spec),
  });
  const queryInstructionTokens = folder.queryInstruction ? counter.count(folder.queryInstruction) : 0;
  return {
    model: folder.model,
    counter,
    queryInstructionTokens,
    chunk: (text: string, options: ChunkOptions) => chunkText(text, options, counter),
    chunkAsync: (text: string, options: ChunkOptions, yielding?: Yielding) => chunkTextAsync(text, options, counter, yielding),
  };
});
