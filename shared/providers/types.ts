// What every embedding provider offers. A provider names the model behind every vector it
// returns: vectors of two models are never comparable, so nothing may mix them silently.

// Vertex AI's task types; the bundled model reads RETRIEVAL_QUERY (its query instruction) only.
const TASK_TYPES = [
  'RETRIEVAL_QUERY', 'RETRIEVAL_DOCUMENT', 'SEMANTIC_SIMILARITY', 'CLASSIFICATION',
  'CLUSTERING', 'QUESTION_ANSWERING', 'FACT_VERIFICATION', 'CODE_RETRIEVAL_QUERY',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];
export const taskTypes: readonly TaskType[] = TASK_TYPES;

export type ProviderName = 'vertex' | 'local';

export interface EmbedInput {
  text: string;
  /** Only meaningful with RETRIEVAL_DOCUMENT (Vertex uses it; the local model prepends nothing). */
  title?: string;
  /**
   * This input's task when it differs from options.task (Vertex callers mix them in one call).
   * Only the cache decorator (providers/cached.ts) reads it: it calls the provider beneath once
   * per task, so a model provider always sees one task per call, options.task.
   */
  task?: TaskType;
}

export interface EmbedOptions {
  task: TaskType;
  /** Requested output size; undefined means the model's full size. */
  dimensions?: number;
  /** When false, a text past the model's token limit is an error instead of being cut. */
  truncate: boolean;
  /** Unit-length vectors (the default), or false for them as the model made them (the cache decorator applies it). */
  normalize?: boolean;
  signal?: AbortSignal;
  /** Epoch milliseconds by which the answer is needed. */
  deadline?: number;
}

export interface EmbedVector {
  values: Float32Array;
  /** Tokens the model read for this text (after any truncation). */
  tokens: number;
  truncated: boolean;
  /** Served from the cache (set by the cache decorator; absent means made now). */
  cached?: boolean;
}

export interface FallbackInfo {
  used: boolean;
  reason?: string;
}

export interface ProviderResult {
  /** Model id including revision where known; also the cache's model component. */
  model: string;
  provider: ProviderName;
  vectors: EmbedVector[];
  fallback: FallbackInfo;
}

export interface ModelInfo {
  provider: ProviderName;
  model: string;
  /** Full output size. */
  dimensions: number;
  /**
   * The only output sizes the model makes, when it has a list (a non-Matryoshka model: its full
   * size alone). Absent: any size from 1 to `dimensions` (Vertex's models). See dimensions.ts.
   */
  dimensionSizes?: readonly number[];
  /** Tokens per text the model reads before cutting. */
  maxTokens: number;
}

export interface EmbeddingProvider {
  readonly name: ProviderName;
  /** The model this provider serves (for a composed provider, the primary's). */
  info(): ModelInfo;
  embed(inputs: EmbedInput[], options: EmbedOptions): Promise<ProviderResult>;
  /** Cheap readiness facts for /healthz. */
  health(): Promise<Record<string, unknown>>;
}
