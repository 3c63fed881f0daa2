// The job status route's logic: which job the path names, and its status or a 404.
import { GatewayError, invalid } from '../errors.js';
import { JOB_ID } from '../wire/batch-job.js';
import { jobStatus, type JobStatus } from './status.js';
import type { CompletionStore } from './store.js';

export function jobStatusFromPath(path: string): string {
  const raw = path.match(/^\/jobs\/([^/]+)\/?$/)?.[1];
  if (raw === undefined) throw new GatewayError('not_found', 'Expected GET /jobs/{job_id}');
  let jobId: string;
  try {
    jobId = decodeURIComponent(raw);
  } catch {
    throw invalid('job_id', 'job_id is not valid percent-encoding');
  }
  if (!JOB_ID.test(jobId)) throw invalid('job_id', 'job_id must be 1-200 characters of letters, digits and . _ : @ -, starting with a letter or digit');
  return jobId;
}

export async function readJobStatus(store: CompletionStore, jobId: string): Promise<JobStatus> {
  const record = await store.read(jobId);
  if (!record) {
    throw new GatewayError('not_found', `No batch job ${jobId} is recorded${store.kind === 'memory' ? ' on this instance (BATCH_STATE_STORE=memory keeps records per instance)' : ''}`, { field: 'job_id' });
  }
  return jobStatus(record);
}
