// A throwaway Python virtual environment with packages from the registry, for tests that drive
// a real Python client library against the dev server. Kept in the OS temp folder under a name
// derived from the requirements, so later runs reuse it; pip is asked every time (a no-op when
// satisfied). `unreachable` is set only when pip could not reach the package index at all: the
// one case a test may skip; any other failure throws.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PythonVenv {
  python: string;
  /** Why the packages could not be installed because pip could not reach the index; else undefined. */
  unreachable?: string;
}

const NETWORK = /NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|Name or service not known|Network is unreachable|ConnectTimeout|ReadTimeoutError|No matching distribution found/i;

export function pythonVenv(requirements: string[]): PythonVenv {
  const id = createHash('sha256').update(requirements.join('\n')).digest('hex').slice(0, 12);
  const dir = path.join(os.tmpdir(), `gateway-test-venv-${id}`);
  const python = path.join(dir, 'bin', 'python');
  if (!existsSync(python)) {
    const made = spawnSync('python3', ['-m', 'venv', dir], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`python3 -m venv failed: ${made.stderr || made.stdout}`);
  }
  const pip = spawnSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', ...requirements], {
    encoding: 'utf8', timeout: 900_000,
  });
  if (pip.status === 0) return { python };
  const output = `${pip.stderr}\n${pip.stdout}`;
  // "No matching distribution" also follows an index that never answered; it is a network sign only beside one.
  if (NETWORK.test(output) && /Retrying|NewConnectionError|resolution|unreachable|Timeout/i.test(output)) {
    return { python, unreachable: `pip could not reach the package index: ${output.trim().split('\n').slice(-1)[0]}` };
  }
  throw new Error(`pip install ${requirements.join(' ')} failed:\n${output.slice(-4000)}`);
}
