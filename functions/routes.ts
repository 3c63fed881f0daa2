// Every function's route, loaded from its module (functions/<dir>/index.ts, as shared/routes.ts
// lists them): what `npm start` and the tests mount on the dev server, on a gateway of their own.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FunctionRoute } from '../shared/http/functions.js';
import { routes, type RouteEntry } from '../shared/routes.js';

const here = path.dirname(fileURLToPath(import.meta.url));

async function importRoute(entry: RouteEntry): Promise<FunctionRoute> {
  const file = (ext: string) => pathToFileURL(path.join(here, entry.dir, `index.${ext}`)).href;
  const module = (await import(file('ts')).catch(async (error) => {
    // Compiled output ships .js only.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return import(file('js'));
  })) as { route?: FunctionRoute };
  if (module.route?.name !== entry.name) throw new Error(`functions/${entry.dir}/index.ts must export the route "${entry.name}" as \`route\``);
  return module.route;
}

/** The routes of these entries (every function by default), in table order. */
export async function loadRoutes(entries: RouteEntry[] = routes): Promise<FunctionRoute[]> {
  return Promise.all(entries.map(importRoute));
}
