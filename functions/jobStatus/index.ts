// GET /jobs/{job_id}: a batch job's progress, read from the completion store the batch function
// records in (DESIGN.md, Batch). Authenticated like every other route.
import { http } from '@google-cloud/functions-framework';
import { completionStore } from '../../shared/batch/handler.js';
import { jobStatusFromPath, readJobStatus } from '../../shared/batch/status-route.js';
import { httpRoute } from '../../shared/http/route.js';

http('jobStatus', httpRoute({ name: 'jobStatus', methods: ['GET'] }, async (req, res) => {
  res.json(await readJobStatus(completionStore(), jobStatusFromPath(req.path)));
}));
