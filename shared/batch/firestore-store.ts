// Completion records in Firestore: one document per job, shards as a map, so a redelivery on
// any instance sees what the others published. The client loads on first use.
import { lazyFirestore } from '../firestore.js';
import type { CompletionStore, JobKey, JobRecord, JobStart, JobTotals } from './store.js';

export interface FirestoreStoreOptions {
  collection: string;
  databaseId: string;
  projectId?: string;
}

export function createFirestoreCompletionStore(options: FirestoreStoreOptions): CompletionStore & { close(): Promise<void> } {
  const client = lazyFirestore(options);
  const doc = async (jobId: string) => (await client()).collection(options.collection).doc(jobId);

  return {
    kind: 'firestore',
    async begin(key: JobKey, totals?: JobTotals): Promise<JobStart> {
      const firestore = await client();
      const ref = await doc(key.jobId);
      return firestore.runTransaction(async (tx) => {
        const snap = await tx.get(ref);
        const data = snap.data();
        if (data && data.content_hash !== key.contentHash) {
          return { attempts: Number(data.attempts ?? 0), done: new Set<number>(), conflict: true };
        }
        const samePlan = data?.plan_hash === key.planHash;
        const attempts = Number(data?.attempts ?? 0) + 1;
        const done: Record<string, number> = samePlan ? (data?.done ?? {}) : {};
        const now = new Date();
        tx.set(ref, {
          content_hash: key.contentHash,
          plan_hash: key.planHash,
          attempts,
          done,
          failed: samePlan ? (data?.failed ?? {}) : {},
          totals: totals ?? (samePlan ? data?.totals : undefined),
          gave_up: samePlan ? Boolean(data?.gave_up) : false,
          created_at: data?.created_at ?? now,
          updated_at: now,
        });
        return { attempts, done: new Set(Object.keys(done).map(Number)), conflict: false };
      });
    },
    async markDone(key: JobKey, shard: number, items: number, failed = 0) {
      const { FieldPath } = await import('@google-cloud/firestore');
      const ref = await doc(key.jobId);
      await ref.update(new FieldPath('done', String(shard)), items, new FieldPath('failed', String(shard)), failed, 'updated_at', new Date());
    },
    async markGaveUp(key: JobKey) {
      await (await doc(key.jobId)).update('gave_up', true, 'updated_at', new Date());
    },
    async read(jobId: string): Promise<JobRecord | undefined> {
      const data = (await (await doc(jobId)).get()).data();
      if (!data) return undefined;
      const failed = (data.failed ?? {}) as Record<string, number>;
      const done = new Map(Object.entries((data.done ?? {}) as Record<string, number>).map(([k, items]) => [Number(k), { items, failed: Number(failed[k] ?? 0) }]));
      const date = (v: unknown) => (v && typeof (v as { toDate?: unknown }).toDate === 'function' ? (v as { toDate(): Date }).toDate() : null);
      return {
        jobId, totals: (data.totals as JobTotals | undefined) ?? null, attempts: Number(data.attempts ?? 0), done,
        gaveUp: Boolean(data.gave_up), createdAt: date(data.created_at), updatedAt: date(data.updated_at),
      };
    },
    async close() {
      await client.close();
    },
  };
}
