// The embedBatch function's body: runs each delivery with the gateway's batch services. A second
// delivery of a job already running here waits for the first instead of embedding and
// publishing it again beside it.
import type { CloudEvent } from '@google-cloud/functions-framework';
import { GatewayError } from '../errors.js';
import type { Gateway } from '../gateway.js';
import type { WithBatch } from './services.js';
import { deliveryFromEvent, type MessagePublishedData } from './event.js';
import { salvageJobId } from '../wire/batch-job.js';
import { processDelivery, type BatchDeps, type DeliveryOutcome } from './run-job.js';

export function batchDeps(gw: WithBatch<Gateway>): BatchDeps {
  const { store, publisher } = gw.batch;
  if (!publisher) throw new GatewayError('internal', 'RESULTS_TOPIC is not set: the batch function has nowhere to publish results');
  return { gateway: gw, config: gw.config, store, publisher };
}

function peekJobId(data: Buffer): string | undefined {
  try {
    return salvageJobId(JSON.parse(data.toString('utf8')));
  } catch {
    return undefined;
  }
}

export type BatchEventHandler = (event: CloudEvent<MessagePublishedData>) => Promise<DeliveryOutcome>;

export function batchEventHandler(gw: WithBatch<Gateway>): BatchEventHandler {
  const running = new Map<string, Promise<DeliveryOutcome>>();
  return async (event) => {
    const delivery = deliveryFromEvent(event);
    const d = batchDeps(gw);
    const jobId = peekJobId(delivery.data);
    if (jobId === undefined) return processDelivery(d, delivery);
    const inFlight = running.get(jobId);
    if (inFlight) return inFlight;
    const run = processDelivery(d, delivery).finally(() => running.delete(jobId));
    running.set(jobId, run);
    return run;
  };
}
