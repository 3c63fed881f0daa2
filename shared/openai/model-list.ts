// OpenAI's model objects (GET /v1/models, /v1/models/{id}): the configured aliases and the
// served model ids. `dimensions` and `served_by` are the gateway's additions: what vectors a
// name gives, and which model makes them.
import { describeModel, servedModelIds, type ServedModel } from '../catalog/models.js';
import type { Gateway } from '../gateway.js';
import { modelNotFound, resolveOpenAIModel } from './models.js';

export interface OpenAIModel {
  id: string;
  object: 'model';
  /** Unix seconds; 0: the gateway does not know when the model was made. */
  created: number;
  owned_by: string;
  dimensions: number;
  served_by: string;
}

function modelObject(id: string, served: ServedModel): OpenAIModel {
  return { id, object: 'model', created: 0, owned_by: served.owner, dimensions: served.dimensions, served_by: served.model };
}

/** Aliases first (in OPENAI_MODELS order), then the served ids; a name listed once. */
export function listOpenAIModels(gw: Gateway, aliases: Record<string, string>): { object: 'list'; data: OpenAIModel[] } {
  const data: OpenAIModel[] = [];
  const seen = new Set<string>();
  const add = (id: string, selector: string) => {
    const served = describeModel(gw, selector);
    if (served && !seen.has(id)) {
      seen.add(id);
      data.push(modelObject(id, served));
    }
  };
  for (const [alias, selector] of Object.entries(aliases)) add(alias, selector);
  for (const id of servedModelIds(gw)) add(id, id);
  return { object: 'list', data };
}

/** Any name /v1/embeddings takes (an alias or a gateway selector); else OpenAI's 404 model_not_found. */
export function retrieveOpenAIModel(gw: Gateway, aliases: Record<string, string>, id: string): OpenAIModel {
  const served = describeModel(gw, resolveOpenAIModel(gw, aliases, id));
  if (!served) throw modelNotFound(id);
  return modelObject(id, served);
}
