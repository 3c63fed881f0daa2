// A route is a Cloud Function: a registered name and a handler built on a gateway. Deployed (and
// under functions-framework's CLI) each function module registers its route here, on the
// process's one gateway (or its core alone), built from the environment on the first request.
// The dev server and tests mount the same routes on a gateway they built (shared/dev-server.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cloudEvent, http, type CloudEvent, type HttpFunction } from '@google-cloud/functions-framework';
import type { Gateway } from '../gateway.js';
import type { GatewayCore } from '../gateway-core.js';
import { readEventBodyWith, takeOverBodyParsing } from './framework-body.js';
import { installFrameworkErrorShape } from './framework-errors.js';
import type { HttpRoute } from './route.js';

export type BodyReader = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** An event function (the Pub/Sub push): its handler and the reader of its request body. */
export interface EventRoute<G extends GatewayCore = Gateway> {
  kind: 'event';
  name: string;
  build(gateway: G): BuiltEvent;
}

export interface BuiltEvent {
  handle(event: CloudEvent<any>): Promise<unknown>;
  readBody: BodyReader;
}

export type FunctionRoute<G extends GatewayCore = Gateway> = HttpRoute<G> | EventRoute<G>;

type Built = HttpFunction | BuiltEvent;

/** Registers `route` with functions-framework under `name`, its handler built by `built` on first use. */
export function registerFunction(name: string, route: FunctionRoute<any>, built: () => Built): void {
  installFrameworkErrorShape();
  takeOverBodyParsing();
  if (route.kind === 'http') {
    http(name, ((req, res) => (built() as HttpFunction)(req, res)) as HttpFunction);
    return;
  }
  const event = () => built() as BuiltEvent;
  cloudEvent(name, readEventBodyWith(async (e: CloudEvent<any>) => {
    await event().handle(e);
  }, (req, res, next) => event().readBody(req, res, next)));
}

/**
 * Registers the route under its name on the process's gateway: `processGateway`, or
 * `processGatewayCore` for a route that never embeds (with the batch services for the batch
 * functions). What a function module calls.
 */
export function serveFunction<G extends GatewayCore>(route: FunctionRoute<G>, gateway: () => G): void {
  let built: Built | undefined;
  registerFunction(route.name, route, () => (built ??= route.build(gateway())));
}
