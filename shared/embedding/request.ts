// The normalized embedding request every route's adapter (shared/wire/, openai/, vertex-api/)
// produces from its own wire format, and the limits every list of texts is held to.
import type { Config } from '../config.js';
import type { TaskType } from '../providers/types.js';
import { tooLarge } from '../errors.js';

export type LongText = 'truncate' | 'chunk' | 'pool';
export type Encoding = 'float' | 'base64';

export interface RequestItem {
  index: number;
  id?: string;
  text: string;
  title?: string;
  /** This item's own task, where a wire format has one per input (Vertex instances). */
  task?: TaskType;
}

export interface EmbedRequest {
  items: RequestItem[];
  task: TaskType;
  dimensions?: number;
  truncate: boolean;
  longText: LongText;
  /** "auto", "vertex", "local" or a model id. */
  model: string;
  fallback: boolean;
  encoding: Encoding;
  /** Unit-length vectors (the default, also when absent); false: as the model made them. */
  normalize?: boolean;
}

/** The limit on texts per request; routes call it before validating each text of a long list. */
export function checkInputCount(count: number, field: string, { maxInputs }: Config['limits']): void {
  if (count > maxInputs) throw tooLarge(field, `At most ${maxInputs} inputs per request; got ${count}`);
}

/** Shared limits on a list of texts, whichever route it came from. */
export function checkTextLimits(texts: string[], field: (i: number) => string, limits: Config['limits']): void {
  checkInputCount(texts.length, field(-1), limits);
  const { maxTextChars } = limits;
  texts.forEach((text, i) => {
    if (text.length > maxTextChars) throw tooLarge(field(i), `${field(i)} has ${text.length} characters; the limit is ${maxTextChars}`);
  });
}
