// The embedBatch function's body: builds its dependencies once per instance and runs each
// delivery. A second delivery of a job already running here waits for the first instead of
// embedding and publishing it again beside it.
import type { CloudEvent } from '@google-cloud/functions-framework';
import { GatewayError } from '../errors.js';
import { gateway } from '../gateway.js';
import { deliveryFromEvent, type MessagePublishedData } from './event.js';
import { salvageJobId } from './job.js';
import { createPubSubPublisher } from './publisher.js';
import { processDelivery, type BatchDeps, type DeliveryOutcome } from './run-job.js';
import { createCompletionStore } from './completion-store.js';
import type { CompletionStore } from './store.js';

let deps: BatchDeps | undefined;
let store: CompletionStore | undefined;
const running = new Map<string, Promise<DeliveryOutcome>>();

export function batchDeps(): BatchDeps {
  if (deps) return deps;
  const gw = gateway();
  const topic = gw.config.batch.resultsTopic;
  if (!topic) throw new GatewayError('internal', 'RESULTS_TOPIC is not set: the batch function has nowhere to publish results');
  deps = { gateway: gw, config: gw.config, store: completionStore(), publisher: createPubSubPublisher(topic, gw.config.vertex.project ?? undefined) };
  return deps;
}

/** The instance's completion store: the batch function records in it, GET /jobs/{job_id} reads it. */
export function completionStore(): CompletionStore {
  if (deps) return deps.store;
  store ??= createCompletionStore(gateway().config);
  return store;
}

/** For tests: forget the instance's dependencies (and its in-memory completion records). */
export function resetBatchDeps(next?: BatchDeps): void {
  deps = next;
  if (!next) store = undefined;
}

function peekJobId(data: Buffer): string | undefined {
  try {
    return salvageJobId(JSON.parse(data.toString('utf8')));
  } catch {
    return undefined;
  }
}

export async function handleBatchEvent(event: CloudEvent<MessagePublishedData>): Promise<DeliveryOutcome> {
  const delivery = deliveryFromEvent(event);
  const d = batchDeps();
  const jobId = peekJobId(delivery.data);
  if (jobId === undefined) return processDelivery(d, delivery);
  const inFlight = running.get(jobId);
  if (inFlight) return inFlight;
  const run = processDelivery(d, delivery).finally(() => running.delete(jobId));
  running.set(jobId, run);
  return run;
}
