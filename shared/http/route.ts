// Every HTTP route is built here: method, auth, content type, body size and the one error
// shape are decided once, so a function's handler only turns a valid body into an answer.
import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { config } from '../config.js';
import { GatewayError } from '../errors.js';
import { log } from '../log.js';
import { authenticate, WWW_AUTHENTICATE, type Principal } from '../auth/index.js';
import { applyCors } from './cors.js';
import { installFrameworkErrorShape } from './framework-errors.js';

export interface RouteContext {
  principal: Principal;
  /** Aborted when the caller goes away or the request deadline passes. */
  signal: AbortSignal;
  deadline: number;
}

export interface RouteOptions {
  name: string;
  methods: ('GET' | 'POST')[];
  /** Whether the route reads a JSON body (POST routes do). */
  jsonBody?: boolean;
  /** Routes that must answer without credentials (liveness). */
  public?: boolean;
  /** Routes that speak another API's error shape (OpenAI) format errors themselves. */
  formatError?: (error: GatewayError) => unknown;
}

export type RouteHandler = (req: Request, res: Response, ctx: RouteContext) => Promise<void>;

installFrameworkErrorShape();

export function httpRoute(options: RouteOptions, handler: RouteHandler): HttpFunction {
  const format = options.formatError ?? ((error: GatewayError) => error.toJSON());
  return async (req, res) => {
    const started = Date.now();
    const settings = config();
    const controller = new AbortController();
    const deadline = started + settings.limits.requestTimeoutMs;
    const timer = setTimeout(() => controller.abort(new GatewayError('upstream_timeout', 'The request deadline passed')), settings.limits.requestTimeoutMs);
    res.on('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) controller.abort(new Error('caller went away'));
    });
    try {
      if (applyCors(req, res, settings.auth.corsOrigins)) return;
      if (!(options.methods as string[]).includes(req.method)) {
        res.setHeader('allow', options.methods.join(', '));
        throw new GatewayError('method_not_allowed', `${req.method} is not allowed here; use ${options.methods.join(' or ')}`);
      }
      const principal: Principal = options.public ? { kind: 'anonymous', name: 'anonymous' } : await authenticate(req);
      if (options.jsonBody) checkJsonBody(req, settings.limits.maxBodyBytes);
      await handler(req, res, { principal, signal: controller.signal, deadline });
      log.info('request', { route: options.name, status: res.statusCode, ms: Date.now() - started, caller: principal.name });
    } catch (err) {
      const error = toGatewayError(err, settings.production);
      log[error.status >= 500 ? 'error' : 'info']('request failed', {
        route: options.name, status: error.status, type: error.type, field: error.field,
        ...(error.type === 'internal' ? { error: err instanceof Error ? err.stack : String(err) } : {}),
      });
      if (res.headersSent) {
        res.end();
        return;
      }
      if (error.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(error.retryAfterSeconds));
      if (error.status === 401) res.setHeader('www-authenticate', WWW_AUTHENTICATE);
      res.status(error.status).json(format(error));
    } finally {
      clearTimeout(timer);
    }
  };
}

function checkJsonBody(req: Request, maxBodyBytes: number): void {
  const size = req.rawBody?.length ?? Number(req.headers['content-length'] ?? 0);
  if (size > maxBodyBytes) {
    throw new GatewayError('too_large', `The body is ${size} bytes; the limit is ${maxBodyBytes}`, { field: 'body' });
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new GatewayError('unsupported_media_type', `Send the body as application/json, not ${type || 'no content type'}`, { field: 'content-type' });
  }
  if (req.body === undefined || (req.rawBody !== undefined && req.rawBody.length === 0)) {
    throw new GatewayError('invalid_request', 'The body is empty; send a JSON object', { field: 'body' });
  }
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    throw new GatewayError('invalid_request', 'The body must be a JSON object', { field: 'body' });
  }
}

export function toGatewayError(err: unknown, production: boolean): GatewayError {
  if (err instanceof GatewayError) return err;
  const message = production ? 'Internal error' : `Internal error: ${err instanceof Error ? err.message : String(err)}`;
  return new GatewayError('internal', message, { cause: err });
}
