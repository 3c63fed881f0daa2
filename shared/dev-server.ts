// The local dev server: every function registered in functions/, each behind the very
// functions-framework server Cloud Functions runs it in, mounted at its DESIGN.md path on one
// port. No route is implemented twice: this only dispatches by path.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { routes, type RouteEntry } from '../functions/routes.js';
import { GatewayError } from './errors.js';
import { log } from './log.js';

export function pathMatcher(pattern: string): RegExp {
  const escaped = pattern.split(/(\{[^}]+\})/).map((part) => (part.startsWith('{') ? '[^/:]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${escaped.join('')}$`);
}

export interface DevServer {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

export async function loadFunctions(entries: RouteEntry[] = routes): Promise<void> {
  const functionsDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../functions');
  for (const entry of entries) {
    await import(pathToFileURL(path.join(functionsDir, entry.dir, 'index.ts')).href).catch(async (error) => {
      // Bundled builds ship .js only.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
      await import(pathToFileURL(path.join(functionsDir, entry.dir, 'index.js')).href);
    });
  }
}

export async function startDevServer(port: number, entries: RouteEntry[] = routes): Promise<DevServer> {
  await loadFunctions(entries);
  const { getTestServer } = await import('@google-cloud/functions-framework/testing');
  const mounted = entries.map((entry) => ({ entry, match: pathMatcher(entry.path), app: getTestServer(entry.name) }));
  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0]!;
    const route = mounted.find((m) => m.match.test(pathname));
    if (!route) {
      const error = new GatewayError('not_found', `No route at ${pathname}; routes: ${entries.map((e) => e.path).join(', ')}`);
      res.writeHead(error.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(error.toJSON()));
      // Logged like every routed request, so a client calling a wrong path shows up in the logs.
      log.info('request', { route: null, method: req.method, path: pathname, status: error.status });
      return;
    }
    route.app.emit('request', req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  log.info('dev server listening', { url, routes: entries.map((e) => `${e.path} -> ${e.name}`) });
  const page = (name: string) => entries.find((e) => e.name === name)?.path;
  if (page('playground')) {
    log.info(`playground at ${url}${page('playground')}`, { playground: `${url}${page('playground')}`, ...(page('docs') ? { docs: `${url}${page('docs')}` } : {}) });
  }
  return {
    server,
    url,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
