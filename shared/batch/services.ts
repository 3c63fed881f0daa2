// What the batch function keeps per gateway: the completion store (GET /jobs/{job_id} reads the
// same one, which matters where it is in memory) and the results publisher. Both are cheap to
// build; their clients connect on first use.
import type { Config } from '../config.js';
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
