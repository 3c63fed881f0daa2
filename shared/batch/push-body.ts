// The embedBatch function's body, read in place of functions-framework's parsers (see
// shared/http/framework-body.ts): POST only, under the function's body limit, JSON, and shaped
// like a Pub/Sub push (the envelope `{message, subscription}`, or the CloudEvent Eventarc
// delivers, binary or structured). Anything else is answered here with 4xx in the one error
// shape and never reaches the framework's conversion (which would fail on it with a 500, and
// whose error message could carry the body into the logs).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../errors.js';
import { log } from '../log.js';
import { CallerGone, contentType, readJsonObject } from '../http/body.js';

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

export function pushBodyReader(route: string, limit: number) {
  return (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: (err?: unknown) => void): void => {
    const started = Date.now();
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
        if (error instanceof CallerGone) {
          log.info('caller went away', { route, status: 499, ms: Date.now() - started });
          return;
        }
        if (!(error instanceof GatewayError)) return next(error);
        log.info('request failed', { route, status: error.status, type: error.type, field: error.field, ms: Date.now() - started });
        res.statusCode = error.status;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify(error.toJSON()));
      },
    );
  };
}
