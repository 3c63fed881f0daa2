// Builds functions from another revision of this repository (a base to compare against in the
// same run): its files taken with `git archive`, beside this tree's node_modules, built with that
// revision's own build script.
import { execFileSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../scripts/build.js';

export async function buildBase(revision: string, srcDir: string, options: { outDir: string; only: string[]; splitting?: boolean }): Promise<void> {
  await mkdir(srcDir, { recursive: true });
  execFileSync('sh', ['-c', `git -C "${repoRoot}" archive "${revision}" | tar -x -C "${srcDir}"`]);
  await symlink(path.join(repoRoot, 'node_modules'), path.join(srcDir, 'node_modules')).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const baseBuild = (await import(pathToFileURL(path.join(srcDir, 'scripts/build.ts')).href)) as typeof import('../../scripts/build.js');
  await baseBuild.buildAll(options);
}
