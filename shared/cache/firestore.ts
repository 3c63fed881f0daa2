// L2 on Firestore (the serverless default): getAll for a batch of gets (one RPC), a write batch
// for a batch of sets. Every document carries `expiresAt`, checked on read (Firestore's TTL
// deletion runs up to a day late) and usable as the collection's TTL policy field. The client
// finds an emulator through FIRESTORE_EMULATOR_HOST itself.
import { lazyFirestore } from '../firestore.js';
import type { L2Store, StoreEntry } from './store.js';

export interface FirestoreStoreOptions {
  collection: string;
  databaseId: string;
  ttlSeconds: number;
  projectId?: string;
  now?: () => number;
}

// Firestore's limit on writes per batch.
const MAX_BATCH_WRITES = 500;

export function createFirestoreStore(options: FirestoreStoreOptions): L2Store {
  const now = options.now ?? Date.now;
  const firestore = lazyFirestore(options);

  return {
    kind: 'firestore',
    async getMany(keys) {
      if (keys.length === 0) return [];
      const store = await firestore();
      const collection = store.collection(options.collection);
      const snapshots = await store.getAll(...keys.map((key) => collection.doc(key)));
      const at = now();
      return snapshots.map((snap) => {
        if (!snap.exists) return undefined;
        const expiresAt = snap.get('expiresAt') as import('@google-cloud/firestore').Timestamp | undefined;
        if (!expiresAt || expiresAt.toMillis() <= at) return undefined;
        const value = snap.get('v') as Uint8Array | undefined;
        return value ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : undefined;
      });
    },
    async setMany(entries: StoreEntry[]) {
      if (entries.length === 0) return;
      const store = await firestore();
      const { Timestamp } = await import('@google-cloud/firestore');
      const collection = store.collection(options.collection);
      const expiresAt = Timestamp.fromMillis(now() + options.ttlSeconds * 1000);
      const commits: Promise<unknown>[] = [];
      for (let i = 0; i < entries.length; i += MAX_BATCH_WRITES) {
        const batch = store.batch();
        for (const { key, value } of entries.slice(i, i + MAX_BATCH_WRITES)) {
          batch.set(collection.doc(key), { v: Buffer.from(value.buffer, value.byteOffset, value.byteLength), expiresAt });
        }
        commits.push(batch.commit());
      }
      await Promise.all(commits);
    },
    async ping() {
      const store = await firestore();
      await store.collection(options.collection).doc('_ping').get();
    },
    close: () => firestore.close(),
  };
}
