// Completion records in Firestore: one document per job, shards as a map, so a redelivery on
// any instance sees what the others published. The client loads on first use.
import type { CompletionStore, JobKey, JobStart } from './store.js';

export interface FirestoreStoreOptions {
  collection: string;
  databaseId: string;
  projectId?: string;
}

type Firestore = import('@google-cloud/firestore').Firestore;

export function createFirestoreStore(options: FirestoreStoreOptions): CompletionStore & { close(): Promise<void> } {
  let db: Promise<Firestore> | undefined;
  const client = () => {
    db ??= import('@google-cloud/firestore').then(({ Firestore }) => new Firestore({
      ...(options.projectId ? { projectId: options.projectId } : {}),
      databaseId: options.databaseId,
      ignoreUndefinedProperties: true,
    }));
    return db;
  };
  const doc = async (jobId: string) => (await client()).collection(options.collection).doc(jobId);

  return {
    kind: 'firestore',
    async begin(key: JobKey): Promise<JobStart> {
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
        tx.set(ref, {
          content_hash: key.contentHash,
          plan_hash: key.planHash,
          attempts,
          done,
          updated_at: new Date(),
        });
        return { attempts, done: new Set(Object.keys(done).map(Number)), conflict: false };
      });
    },
    async markDone(key: JobKey, shard: number, items: number) {
      const { FieldPath } = await import('@google-cloud/firestore');
      const ref = await doc(key.jobId);
      await ref.update(new FieldPath('done', String(shard)), items, 'updated_at', new Date());
    },
    async close() {
      if (db) await (await db).terminate();
    },
  };
}
