// embedBatch: a Pub/Sub job message in, result shards out on the results topic (DESIGN.md, Batch).
import { cloudEvent, type CloudEvent } from '@google-cloud/functions-framework';
import type { MessagePublishedData } from '../../shared/batch/event.js';
import { handleBatchEvent } from '../../shared/batch/handler.js';
import { pushBodyReader } from '../../shared/batch/push-body.js';
import { readEventBodyWith, takeOverBodyParsing } from '../../shared/http/framework-body.js';
import { installFrameworkErrorShape } from '../../shared/http/framework-errors.js';

installFrameworkErrorShape();
takeOverBodyParsing();

cloudEvent<MessagePublishedData>('embedBatch', readEventBodyWith(async (event: CloudEvent<MessagePublishedData>) => {
  await handleBatchEvent(event);
}, pushBodyReader('embedBatch')));
