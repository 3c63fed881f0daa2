// Captures the gateway's JSON log lines (stdout and stderr) for a test to assert on.
import { setLogLevel } from '../../shared/log.js';

export interface LogCapture {
  /** Every line written since capture began, raw. */
  raw(): string;
  /** The lines that are JSON, parsed. */
  lines(): Record<string, any>[];
  restore(): void;
}

export function captureLogs(level: 'debug' | 'info' | 'warning' | 'error' = 'info'): LogCapture {
  setLogLevel(level);
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  return {
    raw: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return [];
      }
    }),
    restore: () => {
      process.stdout.write = out;
      process.stderr.write = err;
      setLogLevel('error');
    },
  };
}
