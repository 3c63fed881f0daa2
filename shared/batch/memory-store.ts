// Completion records in this process only: enough for one instance and for the embedded
// default. A crash forgets them; deterministic result ids keep the subscriber's view exact.
import type { CompletionStore, JobKey, JobRecord, JobTotals } from './store.js';

interface Entry {
  contentHash: string;
  planHash: string;
  attempts: number;
  done: Map<number, { items: number; failed: number }>;
  totals: JobTotals | null;
  gaveUp: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export function createMemoryStore(): CompletionStore {
  const jobs = new Map<string, Entry>();
  return {
    kind: 'memory',
    async begin(key: JobKey, totals?: JobTotals) {
      let entry = jobs.get(key.jobId);
      if (entry && entry.contentHash !== key.contentHash) return { attempts: entry.attempts, done: new Set(), conflict: true };
      if (!entry || entry.planHash !== key.planHash) {
        entry = {
          contentHash: key.contentHash, planHash: key.planHash, attempts: entry?.attempts ?? 0, done: new Map(),
          totals: null, gaveUp: false, createdAt: entry?.createdAt ?? new Date(), updatedAt: new Date(),
        };
        jobs.set(key.jobId, entry);
      }
      entry.attempts += 1;
      if (totals) entry.totals = totals;
      entry.updatedAt = new Date();
      return { attempts: entry.attempts, done: new Set(entry.done.keys()), conflict: false };
    },
    async markDone(key: JobKey, shard: number, items: number, failed = 0) {
      const entry = jobs.get(key.jobId);
      if (!entry || entry.planHash !== key.planHash) return;
      entry.done.set(shard, { items, failed });
      entry.updatedAt = new Date();
    },
    async markGaveUp(key: JobKey) {
      const entry = jobs.get(key.jobId);
      if (!entry || entry.planHash !== key.planHash) return;
      entry.gaveUp = true;
      entry.updatedAt = new Date();
    },
    async read(jobId: string): Promise<JobRecord | undefined> {
      const entry = jobs.get(jobId);
      if (!entry) return undefined;
      return {
        jobId, totals: entry.totals, attempts: entry.attempts, done: new Map(entry.done), gaveUp: entry.gaveUp,
        createdAt: entry.createdAt, updatedAt: entry.updatedAt,
      };
    },
  };
}
