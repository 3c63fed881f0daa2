// The bundled model as a provider: tokenizes, cuts at the model's limit (or refuses to),
// adds the query instruction for retrieval queries, and hands token ids to the batcher.
import { GatewayError } from '../../errors.js';
import type { ModelFolder } from '../../model/folder.js';
import { l2Normalize } from '../../vectors.js';
import type { EmbeddingProvider, EmbedInput, EmbedOptions, ModelInfo, ProviderResult } from '../types.js';
import { createBatcher, type Batcher } from './batcher.js';
import type { LocalRuntime } from './runtime.js';

export interface LocalProviderOptions {
  folder: ModelFolder;
  /** Loads the runtime; called once, on first use. */
  loadRuntime: () => Promise<LocalRuntime>;
  maxBatchSize: number;
  maxBatchTokens: number;
  maxQueuedTexts: number;
  coalesce: boolean;
}

/** A text the model cannot take whole when the caller asked not to truncate. */
export class TextTooLongError extends GatewayError {
  constructor(readonly index: number, tokens: number, limit: number) {
    super('invalid_request', `The text has ${tokens} tokens; the model reads at most ${limit}. Send truncate: true or long_text: "chunk"`, {
      field: `inputs[${index}]`,
    });
  }
}

export function supportedDimensions(folder: ModelFolder): number[] {
  return [...new Set([folder.dimensions, ...folder.matryoshkaDimensions])].sort((a, b) => b - a);
}

export function createLocalProvider(options: LocalProviderOptions): EmbeddingProvider & {
  /** Token ids as the model will see them, for chunking and token counts. */
  tokenize(text: string): Promise<number[]>;
  ready(): boolean;
} {
  const { folder } = options;
  let runtime: Promise<LocalRuntime> | undefined;
  let loaded = false;
  let batcher: Batcher | undefined;

  function getRuntime(): Promise<LocalRuntime> {
    runtime ??= options.loadRuntime().then((rt) => {
      loaded = true;
      return rt;
    }, (error) => {
      runtime = undefined;
      throw error;
    });
    return runtime;
  }

  function getBatcher(rt: LocalRuntime): Batcher {
    batcher ??= createBatcher({
      maxBatchSize: options.maxBatchSize,
      maxBatchTokens: options.maxBatchTokens,
      maxQueued: options.maxQueuedTexts,
      coalesce: options.coalesce,
      parallelism: rt.parallelism,
      run: (sequences) => rt.infer(sequences),
    });
    return batcher;
  }

  const info: ModelInfo = {
    provider: 'local',
    model: folder.model,
    dimensions: folder.dimensions,
    supportedDimensions: (dims) => supportedDimensions(folder).includes(dims),
    maxTokens: folder.maxTokens,
  };

  return {
    name: 'local',
    info: () => info,
    ready: () => loaded,
    async tokenize(text) {
      return (await getRuntime()).encode(text);
    },
    async embed(inputs: EmbedInput[], opts: EmbedOptions): Promise<ProviderResult> {
      if (opts.dimensions !== undefined && !info.supportedDimensions(opts.dimensions)) {
        const sizes = supportedDimensions(folder);
        throw new GatewayError('invalid_request',
          `${folder.id} is not Matryoshka-trained and cannot shorten its vectors; supported dimensions: ${sizes.join(', ')}`,
          { field: 'dimensions', detail: { supported_dimensions: sizes } });
      }
      const rt = await getRuntime();
      const prefix = opts.task === 'RETRIEVAL_QUERY' && folder.queryInstruction ? folder.queryInstruction : '';
      const encoded = inputs.map((input, index) => {
        const ids = rt.encode(prefix + input.text);
        if (ids.length <= folder.maxTokens) return { ids, truncated: false };
        if (!opts.truncate) throw new TextTooLongError(index, ids.length, folder.maxTokens);
        return { ids: [...ids.slice(0, folder.maxTokens - 1), rt.endTokenId], truncated: true };
      });
      const pooled = await getBatcher(rt).submit(encoded.map((e) => e.ids), opts.signal);
      const dims = opts.dimensions ?? folder.dimensions;
      return {
        model: folder.model,
        provider: 'local',
        fallback: { used: false },
        vectors: pooled.map((vector, i) => {
          const sized = dims < vector.length ? vector.slice(0, dims) : vector;
          return {
            values: folder.normalize || dims < vector.length ? l2Normalize(sized) : sized,
            tokens: encoded[i]!.ids.length,
            truncated: encoded[i]!.truncated,
          };
        }),
      };
    },
    async health() {
      return { provider: 'local', model: folder.model, loaded, queued: batcher?.load() ?? 0 };
    },
  };
}
