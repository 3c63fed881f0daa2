// The Cloud Storage client for gs:// inputs and outputs, loaded on first use so jobs that name
// no gs:// URI never pay for it.
type Storage = import('@google-cloud/storage').Storage;

const clients = new Map<string, Promise<Storage>>();

/** One client per emulator host (or none: Cloud Storage itself, with the function's identity). */
export function storageClient(emulatorHost: string | null): Promise<Storage> {
  const key = emulatorHost ?? '';
  let client = clients.get(key);
  if (!client) {
    client = import('@google-cloud/storage').then(({ Storage }) => {
      if (!emulatorHost) return new Storage();
      const host = emulatorHost.replace(/\/+$/, '').replace(/\/storage\/v1$/, '');
      const storage = new Storage({ apiEndpoint: host, projectId: 'local' });
      // @google-cloud/storage 7 takes STORAGE_EMULATOR_HOST verbatim as the JSON API's base URL,
      // where fake-gcs-server and Google's other clients give the host alone; both forms work here.
      (storage as unknown as { baseUrl: string }).baseUrl = `${host}/storage/v1`;
      return storage;
    });
    client.catch(() => clients.delete(key));
    clients.set(key, client);
  }
  return client;
}
