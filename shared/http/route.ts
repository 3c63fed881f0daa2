// Every HTTP route is built here: method, auth, content type, body size and the one error
// shape are decided once, so a function's handler only turns a valid body into an answer.
import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { bodyLimit, config } from '../config.js';
import { GatewayError } from '../errors.js';
import { log } from '../log.js';
import { authenticate, WWW_AUTHENTICATE, type Principal } from '../auth/index.js';
import { CallerGone, readJsonObject } from './body.js';
import { applyCors } from './cors.js';
import { takeOverBodyParsing } from './framework-body.js';
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
  /**
   * Whether the route reads a JSON body (POST routes do). It is read only after the caller is
   * authenticated, under the route's body limit (MAX_BODY_BYTES, MAX_BODY_BYTES_BY_ROUTE).
   */
  jsonBody?: boolean;
  /** Routes that must answer without credentials (liveness). */
  public?: boolean;
  /** Routes that speak another API's error shape (OpenAI) format errors themselves. */
  formatError?: (error: GatewayError) => unknown;
}

export type RouteHandler = (req: Request, res: Response, ctx: RouteContext) => Promise<void>;

installFrameworkErrorShape();
takeOverBodyParsing();

/** Status logged for a request whose caller left before the answer (nginx's convention). */
export const CALLER_GONE_STATUS = 499;

export function httpRoute(options: RouteOptions, handler: RouteHandler): HttpFunction {
  const format = options.formatError ?? ((error: GatewayError) => error.toJSON());
  // HEAD is GET without a body (Node drops the body itself); monitors probe with it.
  const methods: string[] = options.methods.includes('GET') ? [...options.methods, 'HEAD'] : [...options.methods];
  return async (req, res) => {
    const started = Date.now();
    const settings = config();
    const controller = new AbortController();
    const deadline = started + settings.limits.requestTimeoutMs;
    const timer = setTimeout(() => controller.abort(new GatewayError('upstream_timeout', 'The request deadline passed')), settings.limits.requestTimeoutMs);
    let callerGone = false;
    const onGone = () => {
      clearTimeout(timer);
      if (!res.writableFinished) {
        callerGone = true;
        controller.abort(new CallerGone());
      }
    };
    // The connection can close before the framework hands us the request: 'close' is then past.
    if (res.destroyed || req.destroyed) onGone();
    else res.on('close', onGone);
    let principal: Principal | undefined;
    try {
      if (applyCors(req, res, settings.auth.corsOrigins)) return;
      if (!methods.includes(req.method)) {
        res.setHeader('allow', methods.join(', '));
        throw new GatewayError('method_not_allowed', `${req.method} is not allowed here; use ${options.methods.join(' or ')}`);
      }
      // Credentials come from the headers alone: nothing of the body is read for a stranger.
      principal = options.public ? { kind: 'anonymous', name: 'anonymous' } : await authenticate(req);
      if (options.jsonBody) req.body = await readJsonObject(req, { limit: bodyLimit(settings, options.name), signal: controller.signal });
      await handler(req, res, { principal, signal: controller.signal, deadline });
      if (callerGone) logCallerGone(options.name, started);
      else log.info('request', { route: options.name, status: res.statusCode, ms: Date.now() - started, caller: principal.name });
    } catch (err) {
      if (callerGone || err instanceof CallerGone) {
        logCallerGone(options.name, started);
        if (!res.writableEnded) res.end();
        return;
      }
      const error = toGatewayError(err, settings.production);
      // ERROR is for our own faults; an upstream or capacity 5xx is a warning per request (its
      // cause is logged, throttled, where it is detected).
      const level = error.type === 'internal' ? 'error' : error.status >= 500 ? 'warn' : 'info';
      log[level]('request failed', {
        route: options.name, status: error.status, type: error.type, field: error.field, ms: Date.now() - started,
        ...(principal ? { caller: principal.name } : {}),
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

/** A caller that went away is not our failure: one line, no stack, whatever was interrupted. */
function logCallerGone(route: string, started: number): void {
  log.info('caller went away', { route, status: CALLER_GONE_STATUS, ms: Date.now() - started });
}

export function toGatewayError(err: unknown, production: boolean): GatewayError {
  if (err instanceof GatewayError) return err;
  const message = production ? 'Internal error' : `Internal error: ${err instanceof Error ? err.message : String(err)}`;
  return new GatewayError('internal', message, { cause: err });
}
