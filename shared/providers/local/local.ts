// The bundled model as a provider: tokenizes, cuts at the model's limit (or refuses to),
// adds the query instruction for retrieval queries, and hands token ids to the batcher.
import { InputRefusedError } from '../errors.js';
import type { ModelFolder } from '../../model/folder.js';
import { loadTokenizer, type ModelTokenizer } from '../../model/tokenizer.js';
import { l2Normalize } from '../../vectors.js';
import type { EmbeddingProvider, EmbedInput, EmbedOptions, ModelInfo, ProviderResult } from '../types.js';
import { createBatcher, type Batcher } from './batcher.js';
import { encodeWithin } from './encode.js';
import type { LocalRuntime } from './runtime.js';
import type { InferencePool } from './worker-pool.js';
import { lazy } from '../../lazy.js';

export interface LocalProviderOptions {
  folder: ModelFolder;
  /** Loads the runtime; called once, on first use. */
  loadRuntime: () => Promise<LocalRuntime>;
  maxBatchSize: number;
  maxBatchTokens: number;
  maxQueuedTexts: number;
  /** How long a request may wait for room in a full queue (LOCAL_QUEUE_WAIT_MS). */
  queueWaitMs?: number;
  /** Texts that may wait for room at once (LOCAL_MAX_WAITING_TEXTS). */
  maxWaitingTexts?: number;
  coalesce: boolean;
}

/** A text the model cannot take whole when the caller asked not to truncate. */
export class TextTooLongError extends InputRefusedError {
  constructor(index: number, tokens: number, limit: number) {
    super(index, `The text has ${tokens} tokens; the model reads at most ${limit}. Send truncate: true or long_text: "chunk"`);
  }
}

export function supportedDimensions(folder: ModelFolder): number[] {
  return [...new Set([folder.dimensions, ...folder.matryoshkaDimensions])].sort((a, b) => b - a);
}

export function createLocalProvider(options: LocalProviderOptions): EmbeddingProvider & {
  /** Token ids as the model will see them (the tokenizer only; the inference runtime stays unloaded). */
  tokenize(text: string): Promise<number[]>;
  /** Loads the tokenizer and the inference runtime now (a readiness probe warming an instance). */
  load(): Promise<void>;
  ready(): boolean;
  /** Throws the queue's 413 or 429 for this many texts, reserving nothing: before expensive work. */
  checkAdmission(texts: number, field?: string): void;
  /** The inference worker pool once loaded (tests kill its workers). */
  inferencePool(): InferencePool | undefined;
} {
  const { folder } = options;
  let pool: InferencePool | undefined;
  const getRuntime = lazy(() => options.loadRuntime().then((rt) => {
    pool = rt.pool;
    return rt;
  }));
  let batcher: Batcher | undefined;

  function batcherLimits() {
    return {
      maxBatchSize: options.maxBatchSize,
      maxBatchTokens: options.maxBatchTokens,
      maxQueued: options.maxQueuedTexts,
      maxWaitMs: options.queueWaitMs,
      maxWaitingTexts: options.maxWaitingTexts,
      coalesce: options.coalesce,
    };
  }

  function getBatcher(rt: LocalRuntime): Batcher {
    batcher ??= createBatcher({ ...batcherLimits(), parallelism: rt.parallelism, run: (sequences) => rt.infer(sequences) });
    return batcher;
  }

  const info: ModelInfo = {
    provider: 'local',
    model: folder.model,
    dimensions: folder.dimensions,
    dimensionSizes: supportedDimensions(folder),
    maxTokens: folder.maxTokens,
  };

  return {
    name: 'local',
    info: () => info,
    ready: () => getRuntime.loaded(),
    inferencePool: () => pool,
    checkAdmission(texts, field) {
      if (batcher) batcher.check(texts, field);
      else if (texts > options.maxQueuedTexts) createBatcher({ ...batcherLimits(), run: async () => [] }).check(texts, field);
    },
    async tokenize(text) {
      return (await loadTokenizer(folder.dir)).encode(text);
    },
    async load() {
      await Promise.all([getRuntime(), loadTokenizer(folder.dir)]);
    },
    async embed(inputs: EmbedInput[], opts: EmbedOptions): Promise<ProviderResult> {
      const [rt, tokenizer] = await untilAborted(Promise.all([getRuntime(), loadTokenizer(folder.dir)]), opts.signal);
      // Room in the queue first (waiting in line for it when full): a request refused for load
      // costs no tokenizing.
      const admission = await getBatcher(rt).admitWaiting(inputs.length, 'inputs', opts.signal);
      let pooled: Float32Array[];
      let encoded: { ids: number[]; truncated: boolean }[];
      try {
        encoded = await encodeAll(tokenizer, inputs, opts);
        pooled = await admission.submit(encoded.map((e) => e.ids), opts.signal);
      } finally {
        admission.release();
      }
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
      return { provider: 'local', model: folder.model, loaded: getRuntime.loaded(), queued: batcher?.load() ?? 0, ...(pool ? { workers: pool.stats() } : {}) };
    },
  };

  /**
   * Token ids per input, cut at the model's limit (or refused past it). Under truncate, a long
   * text is read only as far as the limit needs; the event loop gets a turn every few
   * milliseconds, so /healthz and other requests are not held behind a big body.
   */
  async function encodeAll(tokenizer: ModelTokenizer, inputs: EmbedInput[], opts: EmbedOptions) {
    const prefix = opts.task === 'RETRIEVAL_QUERY' && folder.queryInstruction ? folder.queryInstruction : '';
    const encode = (text: string) => tokenizer.encode(text);
    const readAll = !opts.truncate || !tokenizer.pieceWise;
    const out: { ids: number[]; truncated: boolean }[] = [];
    let turn = performance.now();
    for (let index = 0; index < inputs.length; index++) {
      if (performance.now() - turn > YIELD_AFTER_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        if (opts.signal?.aborted) throw opts.signal.reason;
        turn = performance.now();
      }
      const text = prefix + inputs[index]!.text;
      const ids = readAll ? encode(text) : encodeWithin(encode, text, folder.maxTokens);
      if (ids.length <= folder.maxTokens) out.push({ ids, truncated: false });
      else if (!opts.truncate) throw new TextTooLongError(index, ids.length, folder.maxTokens);
      else out.push({ ids: [...ids.slice(0, folder.maxTokens - 1), tokenizer.endTokenId], truncated: true });
    }
    return out;
  }
}

/** How long tokenizing may hold the event loop before it lets other work run. */
const YIELD_AFTER_MS = 10;

/** The promise, or the signal's reason as soon as it aborts: no caller waits past its deadline. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
