// Completion records in this process only: enough for one instance and for the embedded
// default. A crash forgets them; deterministic result ids keep the subscriber's view exact.
import type { CompletionStore, JobKey } from './store.js';

interface Entry {
  contentHash: string;
  planHash: string;
  attempts: number;
  done: Map<number, number>;
}

export function createMemoryStore(): CompletionStore {
  const jobs = new Map<string, Entry>();
  return {
    kind: 'memory',
    async begin(key: JobKey) {
      let entry = jobs.get(key.jobId);
      if (entry && entry.contentHash !== key.contentHash) return { attempts: entry.attempts, done: new Set(), conflict: true };
      if (!entry || entry.planHash !== key.planHash) {
        entry = { contentHash: key.contentHash, planHash: key.planHash, attempts: entry?.attempts ?? 0, done: new Map() };
        jobs.set(key.jobId, entry);
      }
      entry.attempts += 1;
      return { attempts: entry.attempts, done: new Set(entry.done.keys()), conflict: false };
    },
    async markDone(key: JobKey, shard: number, items: number) {
      const entry = jobs.get(key.jobId);
      if (entry && entry.planHash === key.planHash) entry.done.set(shard, items);
    },
  };
}
