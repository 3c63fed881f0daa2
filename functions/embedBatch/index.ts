// embedBatch: a Pub/Sub job message in, result shards out on the results topic (DESIGN.md, Batch).
import { cloudEvent, type CloudEvent } from '@google-cloud/functions-framework';
import type { MessagePublishedData } from '../../shared/batch/event.js';
import { handleBatchEvent } from '../../shared/batch/handler.js';

cloudEvent<MessagePublishedData>('embedBatch', async (event: CloudEvent<MessagePublishedData>) => {
  await handleBatchEvent(event);
});
