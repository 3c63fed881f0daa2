// The shape of the provider schema the offline Terraform check reads (google-schema.json, made
// by extract-schema.ts). Attribute types are not kept: the check is about names, not values.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** r: required, o: optional (may also be computed), c: computed only (read-only). */
export type AttributeMode = 'r' | 'o' | 'c';

export interface BlockSchema {
  attrs: Record<string, AttributeMode>;
  blocks?: Record<string, NestedBlockSchema>;
}

export interface NestedBlockSchema extends BlockSchema {
  /** single: at most one block (max_items = 1); list: any number. */
  nesting: 'single' | 'list';
  /** Set when the block must be written at least once. */
  required?: true;
}

export interface ProviderSchema {
  provider: string;
  version: string;
  source: string;
  regenerate: string;
  /** Type-name prefixes whose schemas the file carries. */
  families: string[];
  resources: Record<string, BlockSchema>;
  data_sources: Record<string, BlockSchema>;
  /** Every other type of the provider, by name only: known to exist, not checked. */
  other_types: { resources: string[]; data_sources: string[] };
}

export const schemaPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'google-schema.json');

export function loadSchema(file = schemaPath): ProviderSchema {
  return JSON.parse(readFileSync(file, 'utf8')) as ProviderSchema;
}
