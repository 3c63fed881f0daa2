// Where a browser page sends a call to another function: the deployed function's URL when
// ROUTE_URLS names it, else the dev server's path for it (same origin).
import { routes } from '../../functions/routes.js';
import { config } from '../config.js';

export function routeUrl(name: string): string {
  const configured = config().web.routeUrls[name];
  if (configured) return configured;
  const route = routes.find((r) => r.name === name);
  if (!route) throw new Error(`no route named ${name} in functions/routes.ts`);
  return route.path;
}

/** The URLs the playground and the reference link to or call. */
export function pageUrls(): Record<string, string> {
  const names = ['embed', 'similarity', 'chunk', 'playground', 'docs', 'openapi'];
  return Object.fromEntries(names.filter((n) => routes.some((r) => r.name === n) || config().web.routeUrls[n]).map((n) => [n, routeUrl(n)]));
}
