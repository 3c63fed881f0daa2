// What the gateway serves, by the names callers use: the facts model-listing routes answer
// (OpenAI's /v1/models, Model Garden's PublisherModel). Nothing here loads a model or a client.
import type { Gateway } from '../gateway.js';
import { readModelFolder, type ModelFolder } from '../model/folder.js';
import type { ProviderName } from '../providers/types.js';

export interface ServedModel {
  /** The name as the caller sent it (an alias, a selector or a model id). */
  name: string;
  /** The model that answers that name (for the bundled model, id@revision). */
  model: string;
  provider: ProviderName;
  dimensions: number;
  /** Who made the model. */
  owner: string;
}

const folders = new Map<string, ModelFolder>();
function folderOf(gw: Gateway): ModelFolder {
  const dir = gw.config.local.modelDir;
  if (!folders.has(dir)) folders.set(dir, readModelFolder(dir));
  return folders.get(dir)!;
}

/**
 * The model a name would be answered by, without a call: null when the gateway does not serve
 * it. The composed fallback provider reports its primary, so `auto` names Vertex when configured.
 */
export function describeModel(gw: Gateway, name: string): ServedModel | null {
  let info;
  try {
    info = gw.resolve(name, false).info();
  } catch {
    return null;
  }
  const owner = info.provider === 'local' ? folderOf(gw).owner : 'google';
  return { name, model: info.model, provider: info.provider, dimensions: info.dimensions, owner };
}

/** The model ids the gateway serves under their own names: the bundled model, and Vertex's when configured. */
export function servedModelIds(gw: Gateway): string[] {
  const ids = [folderOf(gw).id];
  if (gw.vertex) ids.push(gw.config.vertex.model);
  return ids;
}
