// OpenAI's embedding model names the gateway answers to when OPENAI_MODELS does not say: each is
// "auto" (Vertex with the bundled fallback, or the bundled model alone), so an app written for
// OpenAI works unchanged. The answer names the model that made the vectors, never the alias.
export const defaultOpenAIModels: Record<string, string> = {
  'text-embedding-3-small': 'auto',
  'text-embedding-3-large': 'auto',
  'text-embedding-ada-002': 'auto',
};
