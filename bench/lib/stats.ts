// Summaries of repeated measurements. Medians, not means: on a shared machine one noisy round
// should not move the answer.

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: p99 of few samples is the largest one, never an interpolated value nobody saw.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export const median = (values: number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const p50 = (values: number[]): number => quantile(values, 0.5);
export const p99 = (values: number[]): number => quantile(values, 0.99);

export function summarize(values: number[]): { n: number; min: number; median: number; p99: number; max: number } {
  return {
    n: values.length,
    min: Math.min(...values),
    median: median(values),
    p99: p99(values),
    max: Math.max(...values),
  };
}

/**
 * Median of per-round ratios a[i] / b[i]. Contenders measured back to back in the same round
 * share that moment's noise, so their ratio is steadier than the ratio of two medians.
 */
export function medianRatio(a: number[], b: number[]): number {
  return median(a.map((value, i) => value / b[i]!));
}
