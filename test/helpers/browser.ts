// A real Chromium (Debian's package; .ci/run installs it when missing) driven by playwright-core.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error(`No Chromium at ${CANDIDATES.join(', ')}: apt-get install -y chromium (.ci/run does this)`);
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  // Root (CI, this machine) cannot use Chromium's sandbox; the pages loaded are the gateway's own.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** test-results/<test file>/: screenshots and other things a person may want to look at. */
export function outputDir(testFile: string): string {
  const dir = path.resolve(__dirname, '../../test-results', path.basename(testFile).replace(/\.test\.ts$/, ''));
  mkdirSync(dir, { recursive: true });
  return dir;
}
