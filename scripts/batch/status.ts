// Job status for the batch CLI: reads the gateway's GET /jobs/{job_id} (see functions/jobStatus),
// so a caller can follow jobs by polling instead of holding a results subscription.

export interface JobStatus {
  job_id: string;
  state: 'running' | 'done' | 'failed';
  shards: { total: number | null; done: number; unread: number };
  items: { total: number | null; embedded: number; failed: number };
  deliveries: number;
  first_update: string;
  last_update: string;
}

export interface StatusClient {
  gatewayUrl: string;
  apiKey: string | null;
}

/** The job's status, or null when the gateway has no record of it yet (404: not delivered so far). */
export async function fetchStatus(client: StatusClient, jobId: string): Promise<JobStatus | null> {
  const url = `${client.gatewayUrl.replace(/\/+$/, '')}/jobs/${encodeURIComponent(jobId)}`;
  const res = await fetch(url, { headers: client.apiKey ? { 'x-api-key': client.apiKey } : {} });
  if (res.status === 404) return null;
  const body = (await res.json().catch(() => undefined)) as { error?: { type: string; message: string } } | undefined;
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${body?.error ? `${body.error.type}: ${body.error.message}` : ''}`.trim());
  return body as unknown as JobStatus;
}

export function describeStatus(s: JobStatus): string {
  return `${s.job_id}: ${s.state}, shards ${s.shards.done}/${s.shards.total}, items ${s.items.embedded} embedded + ${s.items.failed} failed of ${s.items.total ?? '?'}${s.shards.unread > 0 ? `, ${s.shards.unread} shard(s) of input unread` : ''}, deliveries ${s.deliveries}, last update ${s.last_update}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls every job until each is done or failed, or the deadline passes; `onChange` sees each new
 * status. Returns the last status of every job (null: never seen by the gateway).
 */
export async function followJobs(
  client: StatusClient,
  jobIds: string[],
  options: { intervalMs: number; deadline: number; onChange?: (status: JobStatus) => void },
): Promise<Map<string, JobStatus | null>> {
  const last = new Map<string, JobStatus | null>(jobIds.map((id) => [id, null]));
  const finished = (s: JobStatus | null | undefined) => s?.state === 'done' || s?.state === 'failed';
  for (;;) {
    for (const id of jobIds) {
      if (finished(last.get(id))) continue;
      const status = await fetchStatus(client, id);
      if (status && JSON.stringify(status) !== JSON.stringify(last.get(id))) options.onChange?.(status);
      last.set(id, status);
    }
    if ([...last.values()].every(finished) || Date.now() > options.deadline) return last;
    await sleep(options.intervalMs);
  }
}
