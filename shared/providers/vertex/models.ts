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
