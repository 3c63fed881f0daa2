// functions-framework parses JSON bodies before any user code runs, and hands a malformed body
// to Express's default final handler, which answers in HTML. Callers of this gateway get one
// error shape everywhere, so we give the framework's Express a final handler that speaks it.
// The patch is applied once per process, to the same Express instance the framework uses.
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../errors.js';
import { log } from '../log.js';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

let installed = false;

type ErrorFormat = (error: GatewayError) => unknown;
const formats: { matches: (path: string) => boolean; format: ErrorFormat }[] = [];

/**
 * A route that speaks another API's error shape (OpenAI) registers it here for the errors the
 * framework raises before the route runs. Keyed by request path because the dev server shares
 * one process (and this patch) among every function's Express app.
 */
export function useFrameworkErrorFormat(matches: (path: string) => boolean, format: ErrorFormat): void {
  formats.push({ matches, format });
}

function formatFor(req: IncomingMessage): ErrorFormat {
  const path = (req.url ?? '/').split('?')[0]!;
  return formats.find((f) => f.matches(path))?.format ?? ((error) => error.toJSON());
}

export function errorFromFramework(err: BodyParserError | undefined): GatewayError {
  if (err === undefined) return new GatewayError('not_found', 'No route here');
  if (err.type === 'entity.parse.failed') return new GatewayError('invalid_request', 'The body is not valid JSON', { field: 'body' });
  if (err.type === 'entity.too.large') return new GatewayError('too_large', 'The body is too large', { field: 'body' });
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
    return new GatewayError('unsupported_media_type', 'Unsupported body encoding or charset', { field: 'body' });
  }
  if (err.status && err.status >= 400 && err.status < 500) return new GatewayError('invalid_request', 'The request could not be read', { field: 'body' });
  // Never the message: the framework's can quote the request (a TypeError naming the body it
  // could not read once put 5 MB of input text into one log line). Where it came from is enough.
  log.error('unhandled framework error', { error: err.name, type: err.type, at: err.stack?.split('\n').slice(1, 4).map((line) => line.trim()) });
  return new GatewayError('internal', 'Internal error');
}

export function installFrameworkErrorShape(): void {
  if (installed) return;
  installed = true;
  const frameworkRequire = createRequire(require_resolve('@google-cloud/functions-framework'));
  const express = frameworkRequire('express') as { application: { handle: Function } };
  const original = express.application.handle;
  express.application.handle = function handle(this: unknown, req: IncomingMessage, res: ServerResponse, callback?: Function) {
    const done = callback ?? ((err?: BodyParserError) => {
      if (res.headersSent) return res.end();
      const error = errorFromFramework(err);
      res.statusCode = error.status;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(formatFor(req)(error)));
    });
    return original.call(this, req, res, done);
  };
}

function require_resolve(id: string): string {
  return createRequire(import.meta.url).resolve(id);
}
