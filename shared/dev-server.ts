// The local dev server: the routes it is given, each in the very functions-framework app Cloud
// Functions runs it in, mounted at its path in shared/routes.ts on one port, all on one gateway.
// No route is implemented twice: this only dispatches by path. `npm start` (scripts/dev-server.ts)
// and the tests hand it the gateway and the routes (functions/routes.ts loads them).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError } from './errors.js';
import type { WithBatch } from './batch/services.js';
import type { Gateway } from './gateway.js';
import { registerFunction, type FunctionRoute } from './http/functions.js';
import { log } from './log.js';
import { routes as routeTable, type RouteEntry } from './routes.js';

export function pathMatcher(pattern: string): RegExp {
  const escaped = pattern.split(/(\{[^}]+\})/).map((part) => (part.startsWith('{') ? '[^/:]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${escaped.join('')}$`);
}

export interface DevServer {
  server: http.Server;
  url: string;
  gateway: WithBatch<Gateway>;
  close(): Promise<void>;
}

export interface DevServerOptions {
  /** 0: any free port. */
  port?: number;
}

// functions-framework's registry is keyed by name and a mount takes its function from it at
// once, so one name serves every mount, on any gateway.
const MOUNT_NAME = 'gatewayMount';

export async function createDevServer(gateway: WithBatch<Gateway>, functions: FunctionRoute<any>[], options: DevServerOptions = {}): Promise<DevServer> {
  const { getTestServer } = await import('@google-cloud/functions-framework/testing');
  const entryOf = (name: string): RouteEntry => {
    const entry = routeTable.find((e) => e.name === name);
    if (!entry) throw new Error(`no function named ${name} in shared/routes.ts`);
    return entry;
  };
  const entries = functions.map((route) => entryOf(route.name));
  const mounted = functions.map((route, i) => {
    const built = route.build(gateway);
    registerFunction(MOUNT_NAME, route, () => built);
    return { match: pathMatcher(entries[i]!.path), app: getTestServer(MOUNT_NAME) };
  });
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
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  log.info('dev server listening', { url, routes: entries.map((e) => `${e.path} -> ${e.name}`) });
  const page = (name: string) => entries.find((e) => e.name === name)?.path;
  if (page('playground')) {
    log.info(`playground at ${url}${page('playground')}`, { playground: `${url}${page('playground')}`, ...(page('docs') ? { docs: `${url}${page('docs')}` } : {}) });
  }
  return {
    server,
    url,
    gateway,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
