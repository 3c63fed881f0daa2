/** What one Vertex call and one text may hold, per model. */
export interface VertexModelLimits {
  maxInstancesPerCall: number;
  maxTokensPerCall: number;
  maxTokensPerText: number;
}

// "Each request is limited to 250 input texts", "The API has a maximum input token limit of
// 20,000", "Each input text is limited to 2048 tokens; any excess is silently truncated":
// Google Cloud, Get text embeddings (API limits),
// https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/get-text-embeddings
export const vertexDefaultLimits: VertexModelLimits = { maxInstancesPerCall: 250, maxTokensPerCall: 20_000, maxTokensPerText: 2048 };

/** Models whose limits differ from the defaults (VERTEX_MODEL_LIMITS adds to and overrides these). */
export const vertexModelLimits: Record<string, Partial<VertexModelLimits>> = {
  // "Note that gemini-embedding-001 supports one instance per request." Google Cloud, Get text
  // embeddings, https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/get-text-embeddings
  // (Supported models). Its 2,048 tokens per text and the 20,000 per call are the defaults above.
  'gemini-embedding-001': { maxInstancesPerCall: 1 },
  // "Maximum sequence length: 8,192 tokens"; served by embedContent, one content per call.
  // Google Cloud, Gemini Embedding 2, https://docs.cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/embedding-2
  'gemini-embedding-2-preview': { maxInstancesPerCall: 1, maxTokensPerText: 8192, maxTokensPerCall: 8192 },
  'gemini-embedding-2': { maxInstancesPerCall: 1, maxTokensPerText: 8192, maxTokensPerCall: 8192 },
};

// Vertex AI text embedding models the gateway knows by name (VERTEX.md). Legacy gecko names are
// here so an old `textembedding-gecko:predict` caller is forwarded as-is, never silently remapped.
export const vertexModelDimensions: Record<string, number> = {
  'text-multilingual-embedding-002': 768,
  'text-embedding-005': 768,
  'text-embedding-004': 768,
  'gemini-embedding-001': 3072,
  // Up to 3,072 (Google Cloud, Gemini Embedding 2: docs.cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/embedding-2).
  'gemini-embedding-2-preview': 3072,
  'gemini-embedding-2': 3072,
  'textembedding-gecko': 768,
  'textembedding-gecko@003': 768,
  'textembedding-gecko-multilingual': 768,
  'textembedding-gecko-multilingual@001': 768,
};

/** Full output size; unknown (configured) models are assumed 768 like the text-embedding family. */
export function vertexDimensions(model: string): number {
  return vertexModelDimensions[model] ?? 768;
}

export function isVertexModel(id: string, configured: string): boolean {
  return id === configured || id in vertexModelDimensions;
}

/**
 * The gemini-embedding-2 family is served only through `embedContent` (one content per call),
 * not `:predict`: the model and its versions (`gemini-embedding-2`, `-preview`, `@001`, ...).
 */
export function usesEmbedContent(model: string): boolean {
  return /^gemini-embedding-2($|[-@])/.test(model);
}
