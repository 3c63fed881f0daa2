// The headers every route that returns vectors sets, whatever its API's body: the model that made
// them, the provider, and whether it fell back.
import type { Response } from '@google-cloud/functions-framework';
import type { EmbedOutcome } from '../embedding/service.js';

/** Every response that carries vectors names their model in a header too. */
export function setModelHeaders(res: Response, outcome: Pick<EmbedOutcome, 'model' | 'provider' | 'fallback'>): void {
  res.setHeader('x-embedding-model', outcome.model);
  res.setHeader('x-embedding-provider', outcome.provider);
  if (outcome.fallback.used) res.setHeader('x-embedding-fallback', outcome.fallback.reason ?? 'used');
}
