// The chunk API, POST /chunk: its body (text, max_tokens, overlap_tokens; sizes in the bundled
// model's tokens, without its special tokens) and its answer.
import type { Chunk } from '../chunking/index.js';
import { maxOverlapFor } from '../chunking/index.js';
import type { Config } from '../config.js';
import { invalid, tooLarge } from '../errors.js';
import { optionalInt, rejectUnknownFields, requireText, type Json } from './validate.js';

export interface ChunkRequest {
  text: string;
  maxTokens: number;
  overlapTokens: number;
}

const FIELDS = ['text', 'max_tokens', 'overlap_tokens'] as const;
const LIMIT = 1_000_000;

export function parseChunkRequest(body: Json, defaultMaxTokens: number, settings: Config): ChunkRequest {
  rejectUnknownFields(body, FIELDS);
  const text = requireText(body.text, 'text');
  const { maxTextChars } = settings.limits;
  if (text.length > maxTextChars) throw tooLarge('text', `text has ${text.length} characters; the limit is ${maxTextChars}`);
  const maxTokens = optionalInt(body, 'max_tokens', 1, LIMIT) ?? defaultMaxTokens;
  const explicitOverlap = optionalInt(body, 'overlap_tokens', 0, LIMIT);
  if (explicitOverlap !== undefined && explicitOverlap >= maxTokens) {
    throw invalid('overlap_tokens', `overlap_tokens (${explicitOverlap}) must be smaller than max_tokens (${maxTokens})`);
  }
  const { maxOverlapPercent } = settings.chunking;
  const maxOverlap = maxOverlapFor(maxTokens, maxOverlapPercent);
  if (explicitOverlap !== undefined && explicitOverlap > maxOverlap) {
    // Each chunk repeats up to overlap_tokens of the last: near max_tokens, the answer would be
    // hundreds of times the text (510/509 on 190k characters made 288 MB).
    throw invalid('overlap_tokens',
      `overlap_tokens (${explicitOverlap}) may be at most ${maxOverlapPercent}% of max_tokens (${maxTokens}): ${maxOverlap} (CHUNK_MAX_OVERLAP_PERCENT)`);
  }
  const overlapTokens = explicitOverlap ?? Math.min(settings.chunking.overlapTokens, maxOverlap);
  return { text, maxTokens, overlapTokens };
}

export function chunkResponse(model: string, request: ChunkRequest, chunks: Chunk[]) {
  return { model, max_tokens: request.maxTokens, overlap_tokens: request.overlapTokens, chunks };
}
