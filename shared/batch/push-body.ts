// The embedBatch function's body, read in place of functions-framework's parsers (see
// shared/http/framework-body.ts): POST only, under the function's body limit, JSON, and shaped
// like a Pub/Sub push (the envelope `{message, subscription}`, or the CloudEvent Eventarc
// delivers, binary or structured). Anything else is answered here with 4xx in the one error
// shape and never reaches the framework's conversion (which would fail on it with a 500, and
// whose error message could carry the body into the logs). Each delivery gets the request line
// every HTTP route writes (its job's work is on the shard line).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { GatewayError } from '../errors.js';
import { CallerGone, contentType, readJsonObject } from '../http/body.js';
import { meterResponse } from '../http/response-meter.js';
import { CALLER_GONE_STATUS, writeRequestLine } from '../observability/request-log.js';
import { traceFromHeaders } from '../observability/trace.js';

const NOT_ENVELOPE = 'The body is not a Pub/Sub push envelope: expected a JSON object {"message": {"data", "messageId", ...}, "subscription"}';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isBinaryCloudEvent(req: IncomingMessage): boolean {
  return ['ce-type', 'ce-specversion', 'ce-source', 'ce-id'].every((name) => typeof req.headers[name] === 'string');
}

/** The push's `message`, wherever the delivery mode puts it; undefined when it has none. */
function messageOf(req: IncomingMessage, body: Record<string, unknown>): unknown {
  if (!isBinaryCloudEvent(req) && contentType(req).type === 'application/cloudevents+json') {
    return isObject(body.data) ? body.data.message : undefined;
  }
  return body.message;
}

export function pushBodyReader(route: string, limit: number, traceProject: string | null = null) {
  return (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: (err?: unknown) => void): void => {
    const startedAt = performance.now();
    const meter = meterResponse(res, () => {});
    let failure: GatewayError | undefined;
    // One line when the delivery is answered (204 acked, 4xx refused, 5xx for a redelivery) or
    // Pub/Sub hangs up first (499).
    res.once('close', () => {
      const gone = !res.writableFinished;
      writeRequestLine({
        route,
        method: req.method ?? 'POST',
        path: (req.url ?? '/').split('?')[0]!,
        status: gone ? CALLER_GONE_STATUS : res.statusCode,
        latencyMs: performance.now() - startedAt,
        requestSize: req.headers['content-length'] ? Number(req.headers['content-length']) : undefined,
        responseSize: meter.bytes(),
        userAgent: req.headers['user-agent'],
        errorType: gone ? undefined : failure?.type,
        trace: traceFromHeaders(req.headers),
        project: traceProject,
        facts: {},
      });
    });
    const read = async () => {
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        throw new GatewayError('method_not_allowed', `${req.method} is not allowed here; Pub/Sub pushes with POST`);
      }
      let body: Record<string, unknown>;
      try {
        body = await readJsonObject(req, { limit, types: ['application/json', 'application/cloudevents+json'] });
      } catch (error) {
        // Too large stays a 413; any other unreadable body is, to this route, not an envelope.
        if (error instanceof GatewayError && error.type !== 'too_large') throw new GatewayError('invalid_request', `${NOT_ENVELOPE} (${error.message})`, { field: error.field ?? 'body' });
        throw error;
      }
      if (!isObject(messageOf(req, body))) throw new GatewayError('invalid_request', NOT_ENVELOPE, { field: 'message' });
      return body;
    };
    read().then(
      (body) => {
        req.body = body;
        next();
      },
      (error: unknown) => {
        // The request line says it (499 when the caller went away).
        if (error instanceof CallerGone) return;
        if (!(error instanceof GatewayError)) return next(error);
        failure = error;
        res.statusCode = error.status;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify(error.toJSON()));
      },
    );
  };
}
