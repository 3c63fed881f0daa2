// functions-framework reads and parses every request body (JSON, text, urlencoded, raw, with
// gzip/deflate inflated) up to a fixed 1 GB, before any gateway code runs: before auth, before
// MAX_BODY_BYTES. A 500 KB gzip bomb cost 2 GB of memory that way. So the framework's body
// parsers are taken out of each function's Express app as the framework builds it:
// - HTTP functions get no body parsing at all; their route (route.ts) authenticates from the
//   headers, then reads the body under its own limit (body.ts);
// - event functions (the Pub/Sub push) get one capped JSON reader in the parsers' place, because
//   the framework's event conversion needs the parsed body before the function runs.
// The framework is patched where it builds an app (server.getServer, which both its CLI and its
// testing helper call), once per process, before any app exists (function modules load first).
import { createRequire } from 'node:module';
import path from 'node:path';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

const PARSERS = new Set(['jsonParser', 'textParser', 'urlencodedParser', 'rawParser']);

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
interface Layer {
  name: string;
  handle: Middleware;
}
interface ExpressApp {
  router: { stack: Layer[] };
}
type GetServer = (userFunction: unknown, options: { signatureType: string }) => Server;

/** The body reader an event function's app uses in place of the framework's parsers. */
const eventReaders = new WeakMap<object, Middleware>();
let installed = false;

/**
 * Registers an event function's body reader. Call with the very function passed to
 * `cloudEvent()`, before the framework builds its server.
 */
export function readEventBodyWith<F extends object>(fn: F, reader: Middleware): F {
  eventReaders.set(fn, reader);
  return fn;
}

const skip: Middleware = (_req, _res, next) => next();

export function takeOverBodyParsing(): void {
  if (installed) return;
  installed = true;
  const frameworkMain = createRequire(import.meta.url).resolve('@google-cloud/functions-framework');
  const server = createRequire(frameworkMain)(path.join(path.dirname(frameworkMain), 'server.js')) as { getServer: GetServer };
  const original = server.getServer;
  server.getServer = function getServer(userFunction, options) {
    const httpServer = original.call(this, userFunction, options);
    const app = httpServer.listeners('request')[0] as unknown as ExpressApp;
    const parsers = app.router.stack.filter((layer) => PARSERS.has(layer.name));
    // Fail loudly if a framework upgrade moved the parsers: silently keeping its 1 GB limit is worse.
    if (parsers.length === 0) throw new Error('functions-framework changed: no body parser found to take over; see shared/http/framework-body.ts');
    const reader = options.signatureType === 'http' ? skip : eventReaders.get(userFunction as object);
    if (!reader) throw new Error('An event function needs a body reader: wrap it with readEventBodyWith() (shared/http/framework-body.ts)');
    parsers.forEach((layer, i) => {
      layer.handle = i === 0 ? reader : skip;
    });
    return httpServer;
  };
}
