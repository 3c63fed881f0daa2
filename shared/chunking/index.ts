// The chunker for a model folder: the folder's own tokenizer (shared/model/tokenizer.ts), counted
// piece by piece. The gateway loads one, on first use (gateway.chunker()).
import { readModelFolder } from '../model/folder.js';
import { loadTokenizer, type ModelTokenizer } from '../model/tokenizer.js';
import { chunkText, chunkTextAsync, type Chunk, type ChunkOptions, type Yielding } from './chunker.js';
import { createTokenCounter, type TokenCounter } from './counter.js';
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

function assertBertTokenizer(dir: string, tokenizer: ModelTokenizer): void {
  if (!tokenizer.pieceWise) throw new Error(`LOCAL_MODEL_DIR: chunking needs a BERT WordPiece tokenizer; ${dir}/tokenizer.json is another kind`);
}

/** The chunker of a model folder, its token-count memo holding up to `memoBytes` (CHUNK_MEMO_BYTES). */
export async function loadChunker(modelDir: string, memoBytes = 16 * 1024 * 1024): Promise<Chunker> {
  const folder = readModelFolder(modelDir);
  const tokenizer = await loadTokenizer(folder.dir);
  assertBertTokenizer(folder.dir, tokenizer);
  const counter = createTokenCounter(tokenizer, {
    memoBytes,
    fastCount: wordPieceCounter(tokenizer.spec),
  });
  const queryInstructionTokens = folder.queryInstruction ? counter.count(folder.queryInstruction) : 0;
  return {
    model: folder.model,
    counter,
    queryInstructionTokens,
    chunk: (text: string, options: ChunkOptions) => chunkText(text, options, counter),
    chunkAsync: (text: string, options: ChunkOptions, yielding?: Yielding) => chunkTextAsync(text, options, counter, yielding),
  };
}

/** The largest overlap allowed for a chunk size: a share of it, and always below it. */
export function maxOverlapFor(maxTokens: number, percent: number): number {
  return Math.min(maxTokens - 1, Math.floor((maxTokens * percent) / 100));
}
