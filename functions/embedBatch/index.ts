// embedBatch: a Pub/Sub job message in, result shards out on the results topic (DESIGN.md, Batch).
import { batchRoute } from '../../shared/batch/route.js';
import { processWithBatch } from '../../shared/batch/services.js';
import { processGateway } from '../../shared/gateway.js';
import { serveFunction } from '../../shared/http/functions.js';

export const route = batchRoute('embedBatch');

serveFunction(route, () => processWithBatch(processGateway));
