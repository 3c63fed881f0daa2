// One lazily created Firestore client per store (the cache's L2, the batch completion records).
// The package loads on first use; the client finds an emulator through FIRESTORE_EMULATOR_HOST
// itself. close() terminates it, and a later call makes a new one.
import { lazy, type Lazy } from './lazy.js';

type Firestore = import('@google-cloud/firestore').Firestore;

export interface FirestoreSettings {
  databaseId: string;
  projectId?: string;
}

export interface LazyFirestore {
  (): Promise<Firestore>;
  close(): Promise<void>;
}

export function lazyFirestore(settings: FirestoreSettings): LazyFirestore {
  const open = () => lazy(() => import('@google-cloud/firestore').then(({ Firestore }) => new Firestore({
    databaseId: settings.databaseId,
    ...(settings.projectId ? { projectId: settings.projectId } : {}),
    ignoreUndefinedProperties: true,
  })));
  let client: Lazy<Firestore> = open();
  const get = (() => client()) as LazyFirestore;
  get.close = async () => {
    const started = client.started();
    client = open();
    if (started) await (await started).terminate();
  };
  return get;
}
