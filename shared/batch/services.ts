// What the batch functions add to a gateway: the completion store (embedBatch records in it,
// GET /jobs/{job_id} reads the same one, which matters where it is in memory) and the results
// publisher. Both are cheap to build; their clients connect on first use. Kept off the gateway
// itself so that only the batch functions' bundles carry Pub/Sub and the store clients.
import type { Config } from '../config.js';
import type { GatewayCore } from '../gateway-core.js';
import { createCompletionStore } from './completion-store.js';
import { createPubSubPublisher, type ResultPublisher } from './publisher.js';
import type { CompletionStore } from './store.js';

export interface BatchServices {
  store: CompletionStore;
  /** Null when RESULTS_TOPIC is not set: the batch function then refuses to run. */
  publisher: ResultPublisher | null;
}

export function createBatchServices(config: Config): BatchServices {
  const topic = config.batch.resultsTopic;
  return {
    store: createCompletionStore(config),
    publisher: topic ? createPubSubPublisher(topic, config.vertex.project ?? undefined) : null,
  };
}

/** A gateway (or its core) with the batch services: what embedBatch and GET /jobs are built on. */
export type WithBatch<G extends GatewayCore> = G & { batch: BatchServices };

export function withBatch<G extends GatewayCore>(gateway: G): WithBatch<G> {
  return { ...gateway, batch: createBatchServices(gateway.config) };
}

let current: WithBatch<GatewayCore> | undefined;

/**
 * The process's gateway (`processGateway`, or `processGatewayCore` for GET /jobs) with its batch
 * services, built once: a deployed process runs one function, so one base per process.
 */
export function processWithBatch<G extends GatewayCore>(base: () => G): WithBatch<G> {
  current ??= withBatch(base());
  return current as WithBatch<G>;
}
