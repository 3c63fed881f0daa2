// Where a browser page sends a call to another function: the deployed function's URL when
// ROUTE_URLS names it, else the dev server's path for it (same origin).
import { routes } from '../routes.js';

export function routeUrl(name: string, routeUrls: Record<string, string>): string {
  const configured = routeUrls[name];
  if (configured) return configured;
  const route = routes.find((r) => r.name === name);
  if (!route) throw new Error(`no route named ${name} in shared/routes.ts`);
  return route.path;
}

/** The URLs the playground and the reference link to or call. */
export function pageUrls(routeUrls: Record<string, string>): Record<string, string> {
  const names = ['embed', 'similarity', 'chunk', 'playground', 'docs', 'openapi'];
  return Object.fromEntries(names.filter((n) => routes.some((r) => r.name === n) || routeUrls[n]).map((n) => [n, routeUrl(n, routeUrls)]));
}
