// Wall-clock timing for benchmarks, plus the few formatting helpers every bench prints with.
import { performance } from 'node:perf_hooks';

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Throughput of one pass: units done per second. */
export const perSecond = (units: number, ms: number): number => (units * 1000) / ms;

/**
 * Runs each contender once per round, in rotating order, so slow drift on a shared machine
 * (other processes starting, thermal limits) lands on every contender alike.
 */
export async function interleave<K extends string>(
  rounds: number,
  contenders: Record<K, () => Promise<number>>,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(contenders) as K[];
  const results = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as unknown as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(i + round) % keys.length]!;
      results[key].push(await contenders[key]());
    }
  }
  return results;
}

export const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
export const ratio = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The shared machine's state, printed with every result so a reader can judge the noise. */
export async function machineNote(): Promise<string> {
  const os = await import('node:os');
  const [one, five] = os.loadavg();
  return `machine: ${os.cpus().length} cores, load average ${fixed(one!, 2)} (1 min) ${fixed(five!, 2)} (5 min), node ${process.version}`;
}

/**
 * A line bench/run.ts repeats in its closing summary. A bench prints one per headline number.
 */
export function summaryLine(text: string): void {
  console.log(`summary: ${text}`);
}
