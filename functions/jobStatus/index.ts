// GET /jobs/{job_id}: a batch job's progress, read from the completion store the batch function
// records in (DESIGN.md, Batch). Authenticated like every other route.
import { jobStatusFromPath, readJobStatus } from '../../shared/batch/status-route.js';
import { processWithBatch, type WithBatch } from '../../shared/batch/services.js';
import { processGatewayCore, type GatewayCore } from '../../shared/gateway-core.js';
import { serveFunction } from '../../shared/http/functions.js';
import { httpRoute } from '../../shared/http/route.js';

export const route = httpRoute<WithBatch<GatewayCore>>({ name: 'jobStatus', methods: ['GET'] }, async (req, res, ctx) => {
  res.json(await readJobStatus(ctx.gateway.batch.store, jobStatusFromPath(req.path)));
});

serveFunction(route, () => processWithBatch(processGatewayCore));
