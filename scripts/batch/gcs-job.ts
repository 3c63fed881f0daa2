// A gs:// job from the CLI: the job names a JSONL file in Cloud Storage instead of carrying items
// (the gateway reads and shards it). With --in the CLI first uploads that local file to the URI,
// through STORAGE_EMULATOR_HOST when set (fake-gcs-server, as `npm run batch:local` starts it),
// else to Cloud Storage with the caller's credentials. The file is sent as is: the gateway checks
// its lines ({"id", "text"} or Vertex's {"content"}) and reports a bad one as that item's error.
import { readFileSync } from 'node:fs';
import { storageClient } from '../../shared/batch/gcs.js';

const GS_OBJECT = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])\/(.+)$/;

export function parseGsObject(uri: string, flag: string): { bucket: string; name: string } {
  const match = GS_OBJECT.exec(uri);
  if (!match) throw new Error(`${flag} must be gs://<bucket>/<object>, got ${uri}`);
  return { bucket: match[1]!, name: match[2]! };
}

/** Uploads `file` to `uri`; returns its size in bytes. */
export async function uploadInput(emulatorHost: string | null, file: string, uri: string): Promise<number> {
  const { bucket, name } = parseGsObject(uri, '--input-uri');
  const body = readFileSync(file);
  const storage = await storageClient(emulatorHost);
  // Cloud Storage advises resumable uploads past ~5 MB.
  await storage.bucket(bucket).file(name).save(body, { resumable: body.length > 5 * 1024 * 1024, contentType: 'application/jsonl' });
  return body.length;
}
