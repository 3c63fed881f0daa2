// Token-id input on /v1/embeddings. OpenAI accepts `input` as tokenizer ids, and LangChain's
// Python OpenAIEmbeddings sends nothing else by default (check_embedding_ctx_length). The ids
// are decoded back to the exact text with the named OpenAI model's encoding, and that text is
// embedded. The encoder (about 1 MB of ranks, ~0.5 s to build) loads on the first token ids
// only, so a cold start that sees text never pays for it.
import { invalid } from '../errors.js';
import { lazy } from '../lazy.js';

type Encoding = 'cl100k_base';

/** The encodings of OpenAI's embedding models (tiktoken's model table). */
const ENCODING_OF: Record<string, Encoding> = {
  'text-embedding-3-small': 'cl100k_base',
  'text-embedding-3-large': 'cl100k_base',
  'text-embedding-ada-002': 'cl100k_base',
};

export interface TokenIdInput {
  ids: number[];
  /** The parameter to name in errors: `input` or `input[i]`. */
  field: string;
}

interface Decoder {
  decode(ids: number[]): string;
  special: Set<number>;
}

const decoder = lazy(() => Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/cl100k_base')]).then(([{ Tiktoken }, { default: ranks }]): Decoder => {
  const encoder = new Tiktoken(ranks);
  return { decode: (ids) => encoder.decode(ids), special: new Set(Object.values(ranks.special_tokens)) };
}));

/** Whether the token decoder has been loaded in this process (for the cold-start bench). */
export const tokenDecoderLoaded = () => decoder.started() !== undefined;

export function encodingFor(model: string): Encoding {
  const encoding = ENCODING_OF[model];
  if (!encoding) {
    throw invalid('model', `input holds token ids, but the encoding of "${model}" is not known; token ids are read for `
      + `${Object.keys(ENCODING_OF).join(', ')} (${[...new Set(Object.values(ENCODING_OF))].join(', ')}). Send text, or name one of those models`);
  }
  return encoding;
}

/**
 * The texts the ids encode. An id outside the vocabulary (or a special token such as
 * <|endoftext|>, which tiktoken refuses to encode from text) is a 400 naming its input.
 */
export async function decodeTokenIds(inputs: TokenIdInput[], _encoding: Encoding): Promise<string[]> {
  const { decode, special } = await decoder();
  return inputs.map(({ ids, field }) => {
    const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || special.has(id) || decode([id]) === '');
    if (bad !== undefined) throw invalid(field, `${field} holds ${bad}, which is not a token id of cl100k_base`);
    return decode(ids);
  });
}
