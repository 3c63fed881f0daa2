// OpenAI model names -> gateway model selectors. Apps keep the model name they were written
// with; the deployment decides which gateway model answers it (OPENAI_MODELS).
import { GatewayError } from '../errors.js';
import type { Gateway } from '../gateway.js';

export function modelNotFound(name: string): GatewayError {
  return new GatewayError('not_found', `The model "${name}" does not exist on this gateway`, {
    field: 'model',
    detail: { code: 'model_not_found' },
  });
}

/**
 * A configured OpenAI name maps to its selector; a gateway selector ("auto", "local", a model id)
 * is also accepted as is, so a caller can name the model it wants outright. Anything else is
 * OpenAI's 404 `model_not_found`, which SDKs turn into their NotFoundError.
 */
export function resolveOpenAIModel(gw: Gateway, models: Record<string, string>, name: string): string {
  if (Object.hasOwn(models, name)) return models[name]!;
  try {
    gw.resolve(name, true);
    return name;
  } catch {
    throw modelNotFound(name);
  }
}
