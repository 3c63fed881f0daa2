// Vertex AI text embedding models the gateway knows by name (VERTEX.md). Legacy gecko names are
// here so an old `textembedding-gecko:predict` caller is forwarded as-is, never silently remapped.
export const vertexModelDimensions: Record<string, number> = {
  'text-multilingual-embedding-002': 768,
  'text-embedding-005': 768,
  'text-embedding-004': 768,
  'gemini-embedding-001': 3072,
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
