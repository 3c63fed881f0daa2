import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');

describe('inference worker pool', () => {
  it('holds the process open while a run is pending and lets it exit once idle', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/providers/local/fixtures/embed-and-exit.ts'], {
      cwd: root, encoding: 'utf8', timeout: 60_000,
    });
    // 13 would be node's "unfinished top-level await" (exited while a run was pending); a timeout
    // (status null) would mean an idle worker kept the process alive.
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('dims=512');
  });
});
