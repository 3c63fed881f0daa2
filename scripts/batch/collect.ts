// Collects a run's results from its own subscription: keeps the first result per
// (job_id, item id), which is exactly once however often a shard was republished, and turns a
// job-level error into an error line for each of that job's items.
import type { Message } from '@google-cloud/pubsub';
import type { JobMessage } from './input.js';

export interface OutputLine {
  id: string;
  job_id: string;
  vectors?: Record<string, unknown>;
  error?: { type: string; message: string; field?: string };
}

export class ResultCollector {
  private readonly pending = new Map<string, Set<string>>();
  readonly models = new Set<string>();
  done = 0;
  errors = 0;

  constructor(jobs: JobMessage[], private readonly write: (line: OutputLine) => void) {
    for (const job of jobs) this.pending.set(job.job_id, new Set(job.items.map((item) => item.id)));
  }

  get complete(): boolean {
    return [...this.pending.values()].every((ids) => ids.size === 0);
  }

  private emit(jobId: string, line: OutputLine): void {
    const ids = this.pending.get(jobId);
    if (!ids?.delete(line.id)) return; // not ours, or a duplicate
    this.done += 1;
    if (line.error) this.errors += 1;
    this.write(line);
  }

  accept(message: Message): void {
    const jobId = message.attributes.job_id;
    if (!jobId || !this.pending.has(jobId)) return;
    const body = JSON.parse(message.data.toString('utf8')) as {
      error?: OutputLine['error'];
      models?: { model: string }[];
      items: { id: string; vectors?: Record<string, unknown>; error?: OutputLine['error'] }[];
    };
    for (const m of body.models ?? []) this.models.add(m.model);
    if (body.error) {
      for (const id of [...this.pending.get(jobId)!]) this.emit(jobId, { id, job_id: jobId, error: body.error });
      return;
    }
    for (const item of body.items) {
      this.emit(jobId, item.error ? { id: item.id, job_id: jobId, error: item.error } : { id: item.id, job_id: jobId, vectors: item.vectors! });
    }
  }
}
