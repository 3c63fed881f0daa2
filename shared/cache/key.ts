// The cache key (DESIGN.md, Caching): one sha256 over everything that changes a vector. Fields
// are length-prefixed so no two different tuples can hash the same bytes.
import { createHash } from 'node:crypto';

export interface KeyParts {
  /** Model id including revision, as ProviderResult.model names it. */
  model: string;
  task: string;
  dimensions: number;
  truncation: 'truncate' | 'strict';
  /** Unit-length vectors (the default) or as the model made them (`normalize: false`). */
  normalized: boolean;
  text: string;
  /** Vertex reads a title with RETRIEVAL_DOCUMENT, so it changes the vector. */
  title?: string;
}

export function cacheKey(parts: KeyParts): string {
  const hash = createHash('sha256');
  const fields = [parts.model, parts.task, String(parts.dimensions), parts.truncation, parts.normalized ? 'unit' : 'raw', parts.text, parts.title ?? ''];
  for (const field of fields) {
    hash.update(String(Buffer.byteLength(field)));
    hash.update(':');
    hash.update(field);
  }
  hash.update(parts.title === undefined ? '-' : '+');
  return hash.digest('hex');
}
