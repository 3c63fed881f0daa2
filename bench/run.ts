// `npm run bench [-- name ...]`: runs every bench/*.bench.ts (or the named ones), one after
// another, each in its own Node process so cold starts, memory and loaded models never carry
// over. Prints each bench's output as it comes and a closing summary; exits non-zero when a
// bench fails. Lines a bench prints as `summary: ...` are repeated in the closing summary.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(benchDir, '..');
const SUFFIX = '.bench.ts';

const available = readdirSync(benchDir).filter((f) => f.endsWith(SUFFIX)).sort().map((f) => f.slice(0, -SUFFIX.length));

/** A name matches exactly, with or without the suffix or folder; else a unique prefix. */
function select(args: string[]): string[] {
  if (args.length === 0) return available;
  const chosen: string[] = [];
  for (const arg of args) {
    const name = path.basename(arg).replace(/\.bench\.ts$/, '').replace(/\.ts$/, '');
    const matches = available.includes(name) ? [name] : available.filter((b) => b.startsWith(name));
    if (matches.length !== 1) {
      const why = matches.length === 0 ? 'no bench named' : 'more than one bench starts with';
      console.error(`${why} "${arg}"; benches: ${available.join(', ')}`);
      process.exit(2);
    }
    if (!chosen.includes(matches[0]!)) chosen.push(matches[0]!);
  }
  return chosen;
}

interface Outcome {
  name: string;
  ok: boolean;
  status: string;
  seconds: number;
  summary: string[];
}

function runOne(name: string): Promise<Outcome> {
  const start = performance.now();
  const summary: string[] = [];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, name + SUFFIX)], {
      cwd: root,
      env: process.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.startsWith('summary: ')) summary.push(line.slice('summary: '.length));
    });
    const done = (ok: boolean, status: string) => resolve({ name, ok, status, seconds: (performance.now() - start) / 1000, summary });
    child.on('error', (error) => done(false, `could not start: ${error.message}`));
    child.on('close', (code, signal) => {
      if (partial.startsWith('summary: ')) summary.push(partial.slice('summary: '.length));
      done(code === 0, signal ? `killed by ${signal}` : code === 0 ? 'ok' : `exit ${code}`);
    });
  });
}

const names = select(process.argv.slice(2));
const outcomes: Outcome[] = [];
for (const name of names) {
  console.log(`\n=== ${name} ===\n`);
  outcomes.push(await runOne(name));
}

console.log('\n=== summary ===\n');
console.log('| bench | status | seconds |');
console.log('| --- | --- | --- |');
for (const o of outcomes) console.log(`| ${o.name} | ${o.status} | ${o.seconds.toFixed(1)} |`);
const lines = outcomes.flatMap((o) => o.summary);
if (lines.length > 0) console.log('\n' + lines.map((l) => `- ${l}`).join('\n'));
const failed = outcomes.filter((o) => !o.ok);
if (failed.length > 0) {
  console.log(`\n${failed.length} of ${outcomes.length} benches failed: ${failed.map((o) => o.name).join(', ')}`);
  process.exitCode = 1;
}
