// The batch function as a route: Pub/Sub pushes its job messages (read by push-body.ts under the
// function's body limit), each delivery runs on the gateway's batch services (handler.ts).
import { bodyLimit } from '../config.js';
import type { Gateway } from '../gateway.js';
import type { EventRoute } from '../http/functions.js';
import { batchEventHandler } from './handler.js';
import { pushBodyReader } from './push-body.js';
import type { WithBatch } from './services.js';

export function batchRoute(name: string): EventRoute<WithBatch<Gateway>> {
  return {
    kind: 'event',
    name,
    build: (gateway) => ({
      handle: batchEventHandler(gateway),
      readBody: pushBodyReader(name, bodyLimit(gateway.config, name), gateway.config.traceProject),
    }),
  };
}
