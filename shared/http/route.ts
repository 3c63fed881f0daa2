// Every HTTP route is built here: method, auth, per-caller limits, content type, body size, the
// one error shape and the one log line per request are decided once, so a function's handler
// only turns a valid body into an answer.
import { performance } from 'node:perf_hooks';
import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { bodyLimit, type Config } from '../config.js';
import { GatewayError } from '../errors.js';
import type { Gateway } from '../gateway.js';
import type { GatewayCore } from '../gateway-core.js';
import { log } from '../log.js';
import { WWW_AUTHENTICATE, type Principal } from '../auth/index.js';
import { admitCaller, checkModel, rateLimitHeaders, RateLimitedError, type CallerGrant, type ModelChoice } from '../limits/index.js';
import { CALLER_GONE_STATUS, writeRequestLine, type RequestFacts } from '../observability/request-log.js';
import { traceFields, traceFromHeaders } from '../observability/trace.js';
import { VertexError } from '../providers/vertex/errors.js';
import { CallerGone, parseJsonObject, readJsonBytes, readJsonObject } from './body.js';
import { applyCors } from './cors.js';
import { takeOverBodyParsing } from './framework-body.js';
import { installFrameworkErrorShape } from './framework-errors.js';
import { meterResponse } from './response-meter.js';

export interface RouteContext<G extends GatewayCore = Gateway> {
  /** What the process (or the test) built: providers, cache, stores, settings. */
  gateway: G;
  /** The gateway's settings (gateway.config). */
  config: Config;
  principal: Principal;
  /** Aborted when the caller goes away or the request deadline passes. */
  signal: AbortSignal;
  deadline: number;
  /** What the work found out (model, provider, counts), for the request's log line. */
  facts: RequestFacts;
  /** Throws 403 when the caller may not embed with this model (CALLER_LIMITS). */
  allowModel(choice: ModelChoice): void;
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

export type RouteHandler<G extends GatewayCore = Gateway> = (req: Request, res: Response, ctx: RouteContext<G>) => Promise<void>;

/**
 * An HTTP function: its registered name, and its handler built on a gateway. A route that never
 * embeds asks only for the core (GatewayCore), so its bundle carries no model runtime.
 */
export interface HttpRoute<G extends GatewayCore = Gateway> {
  kind: 'http';
  name: string;
  build(gateway: G): HttpFunction;
}

installFrameworkErrorShape();
takeOverBodyParsing();

export { CALLER_GONE_STATUS };

export function httpRoute<G extends GatewayCore = Gateway>(options: RouteOptions, handler: RouteHandler<G>): HttpRoute<G> {
  return { kind: 'http', name: options.name, build: (gateway) => routeFunction(gateway, options, handler) };
}

function routeFunction<G extends GatewayCore>(gateway: G, options: RouteOptions, handler: RouteHandler<G>): HttpFunction {
  const settings = gateway.config;
  const format = options.formatError ?? ((error: GatewayError) => error.toJSON());
  // HEAD is GET without a body (Node drops the body itself); monitors probe with it.
  const methods: string[] = options.methods.includes('GET') ? [...options.methods, 'HEAD'] : [...options.methods];
  return async (req, res) => {
    const started = Date.now();
    const startedAt = performance.now();
    const controller = new AbortController();
    const deadline = started + settings.limits.requestTimeoutMs;
    const timer = setTimeout(() => controller.abort(new GatewayError('upstream_timeout', 'The request deadline passed')), settings.limits.requestTimeoutMs);
    const facts: RequestFacts = {};
    const trace = traceFromHeaders(req.headers);
    let principal: Principal | undefined;
    let grant: CallerGrant | undefined;
    let failure: GatewayError | undefined;
    const meter = meterResponse(res, () => {
      if (grant?.admission) setHeaders(res, rateLimitHeaders(grant.admission, facts.tokens));
    });
    let logged = false;
    // One line per request, when its answer ends or its caller leaves (499, nginx's convention).
    const writeLine = () => {
      if (logged) return;
      logged = true;
      const gone = !res.writableFinished;
      writeRequestLine({
        route: options.name,
        method: req.method,
        path: (req.originalUrl ?? req.url ?? '/').split('?')[0]!,
        status: gone ? CALLER_GONE_STATUS : res.statusCode,
        latencyMs: performance.now() - startedAt,
        requestSize: req.rawBody?.length ?? (req.headers['content-length'] ? Number(req.headers['content-length']) : undefined),
        responseSize: meter.bytes(),
        userAgent: req.headers['user-agent'],
        caller: principal?.name,
        errorType: gone ? undefined : failure?.type,
        internal: !gone && failure?.type === 'internal',
        trace,
        project: settings.traceProject,
        facts,
      });
    };
    let callerGone = false;
    const onGone = () => {
      clearTimeout(timer);
      if (!res.writableFinished) {
        callerGone = true;
        controller.abort(new CallerGone());
      }
      writeLine();
    };
    // The connection can close before the framework hands us the request: 'close' is then past.
    const closedEarly = res.destroyed || req.destroyed;
    if (closedEarly) onGone();
    else res.on('close', onGone);
    try {
      if (applyCors(req, res, settings.auth.corsOrigins)) return;
      if (!methods.includes(req.method)) {
        res.setHeader('allow', methods.join(', '));
        throw new GatewayError('method_not_allowed', `${req.method} is not allowed here; use ${options.methods.join(' or ')}`);
      }
      // Credentials come from the headers alone: nothing of the body is read for a stranger.
      principal = options.public ? { kind: 'anonymous', name: 'anonymous' } : await gateway.authenticator.authenticate(req.headers);
      // Per-caller permission (403 at once) and limits: one admission before the body is parsed.
      const admitting = options.public ? undefined : admitCaller(gateway.limiter, settings.rateLimits.callers, options.name, principal.name);
      if (admitting instanceof Promise) {
        // The admission's round trip to the shared store overlaps reading the body: the read is
        // bounded by the route's limit, and is stopped (the rest drained) if the caller is refused.
        const reading = options.jsonBody ? readBodyDuring(admitting, req, bodyLimit(settings, options.name), controller.signal) : undefined;
        grant = await admitting;
        if (reading) req.body = parseJsonObject(await reading);
      } else {
        grant = admitting;
        if (options.jsonBody) req.body = await readJsonObject(req, { limit: bodyLimit(settings, options.name), signal: controller.signal });
      }
      const allowModel = (choice: ModelChoice) => checkModel(grant?.policy, choice);
      await handler(req, res, { gateway, config: settings, principal, signal: controller.signal, deadline, facts, allowModel });
      if (facts.tokens) grant?.debit(facts.tokens);
    } catch (err) {
      if (facts.tokens) grant?.debit(facts.tokens);
      if (callerGone || err instanceof CallerGone) {
        if (!res.writableEnded) res.end();
        return;
      }
      const error = toGatewayError(err, settings.production);
      failure = error;
      if (err instanceof VertexError) facts.upstreamFailure = err.failure;
      if (err instanceof RateLimitedError) {
        facts.rateLimit = err.admission.refusedBy;
        setHeaders(res, rateLimitHeaders(err.admission));
      }
      if (error.type === 'internal') {
        log.error('internal error', { route: options.name, error: err instanceof Error ? err.stack : String(err), ...traceFields(trace, settings.traceProject) });
      }
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

/** Reads the body while `admitting` is pending; a refusal stops the read (its failure is then moot). */
function readBodyDuring(admitting: Promise<unknown>, req: Request, limit: number, signal: AbortSignal): Promise<Buffer> {
  const refused = new AbortController();
  admitting.catch((error: unknown) => refused.abort(error));
  const reading = readJsonBytes(req, { limit, signal: AbortSignal.any([signal, refused.signal]) });
  // The admission's error is the one answered; a read failing because of it must not go unhandled.
  reading.catch(() => undefined);
  return reading;
}

function setHeaders(res: Response, headers: Record<string, string>): void {
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

export function toGatewayError(err: unknown, production: boolean): GatewayError {
  if (err instanceof GatewayError) return err;
  const message = production ? 'Internal error' : `Internal error: ${err instanceof Error ? err.message : String(err)}`;
  return new GatewayError('internal', message, { cause: err });
}
