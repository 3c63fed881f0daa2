import { describe, expect, it } from 'vitest';
import { createBatcher, packBatches } from '../../../shared/providers/local/batcher.js';
import { GatewayError } from '../../../shared/errors.js';

const seq = (n: number, tag = 1) => Array.from({ length: n }, () => tag);

/** A stand-in inference that returns each sequence's length and first id, and records batches. */
function recordingRun(delayMs = 5) {
  const batches: number[][][] = [];
  const run = async (sequences: number[][]) => {
    batches.push(sequences);
    await new Promise((r) => setTimeout(r, delayMs));
    return sequences.map((s) => Float32Array.from([s.length, s[0]!]));
  };
  return { batches, run };
}

describe('packBatches', () => {
  it('sorts shortest first and respects both caps', () => {
    const jobs = [3, 50, 7, 49, 1, 48, 2].map((n) => ({ ids: seq(n) }));
    const batches = packBatches(jobs, 3, 120);
    expect(batches.flat().map((j) => j.ids.length)).toEqual([1, 2, 3, 7, 48, 49, 50]);
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(3);
      expect(batch.length * Math.max(...batch.map((j) => j.ids.length))).toBeLessThanOrEqual(120);
    }
    expect(batches.map((b) => b.length)).toEqual([3, 2, 2]);
  });

  it('puts a sequence wider than the token cap in a batch of its own', () => {
    expect(packBatches([{ ids: seq(600) }, { ids: seq(2) }], 8, 512).map((b) => b.length)).toEqual([1, 1]);
  });
});

describe('createBatcher', () => {
  it('coalesces concurrent callers into shared batches and returns each its own vectors', async () => {
    const { batches, run } = recordingRun();
    const batcher = createBatcher({ maxBatchSize: 32, maxBatchTokens: 10_000, maxQueued: 1000, coalesce: true, run });
    const callers = Array.from({ length: 10 }, (_, i) => batcher.submit([seq(i + 1, 100 + i)]));
    const results = await Promise.all(callers);
    results.forEach((vectors, i) => expect(Array.from(vectors[0]!)).toEqual([i + 1, 100 + i]));
    expect(batches.length).toBe(1);
    expect(batches[0]!.length).toBe(10);
  });

  it('keeps one run per lane in flight, and no more, with parallelism', async () => {
    let running = 0;
    let peak = 0;
    const batcher = createBatcher({
      maxBatchSize: 1, maxBatchTokens: 10_000, maxQueued: 1000, coalesce: true, parallelism: 2,
      run: async (sequences) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return sequences.map((s) => Float32Array.from([s.length, s[0]!]));
      },
    });
    const first = batcher.submit(Array.from({ length: 6 }, (_, i) => seq(i + 1, i)));
    await new Promise((r) => setTimeout(r, 7));
    // Arrives while both lanes are busy with the first window: it must still be served.
    const late = await batcher.submit([seq(2, 99)]);
    expect((await first).map((v) => Array.from(v))).toEqual(Array.from({ length: 6 }, (_, i) => [i + 1, i]));
    expect(Array.from(late[0]!)).toEqual([2, 99]);
    expect(peak).toBe(2);
    expect(batcher.load()).toBe(0);
  });

  it('runs each caller its own batches when coalescing is off', async () => {
    const { batches, run } = recordingRun();
    const batcher = createBatcher({ maxBatchSize: 32, maxBatchTokens: 10_000, maxQueued: 1000, coalesce: false, run });
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => batcher.submit([seq(2, i)])));
    results.forEach((vectors, i) => expect(Array.from(vectors[0]!)).toEqual([2, i]));
    expect(batches.map((b) => b.length)).toEqual([1, 1, 1, 1]);
  });

  it('keeps input order within a caller even though batches are sorted by length', async () => {
    const { run } = recordingRun(1);
    const batcher = createBatcher({ maxBatchSize: 2, maxBatchTokens: 10_000, maxQueued: 1000, coalesce: true, run });
    const lengths = [5, 1, 9, 3, 7];
    const vectors = await batcher.submit(lengths.map((n, i) => seq(n, i)));
    expect(vectors.map((v) => Array.from(v))).toEqual(lengths.map((n, i) => [n, i]));
  });

  it('answers overloaded with retry-after when the queue is full, and recovers after', async () => {
    const { run } = recordingRun(20);
    const batcher = createBatcher({ maxBatchSize: 4, maxBatchTokens: 10_000, maxQueued: 5, coalesce: true, run });
    const first = batcher.submit([seq(1), seq(1), seq(1), seq(1)]);
    const refused = batcher.submit([seq(1), seq(1)]);
    await expect(refused).rejects.toMatchObject({ type: 'overloaded', status: 429, retryAfterSeconds: 1 });
    await expect(refused).rejects.toBeInstanceOf(GatewayError);
    await first;
    expect(batcher.load()).toBe(0);
    await expect(batcher.submit([seq(1), seq(1)])).resolves.toHaveLength(2);
  });

  it('passes an inference failure to the callers of that batch only', async () => {
    let calls = 0;
    const batcher = createBatcher({
      maxBatchSize: 1, maxBatchTokens: 10_000, maxQueued: 100, coalesce: true,
      run: async (s) => {
        calls++;
        if (s[0]![0] === 13) throw new Error('boom');
        return s.map(() => Float32Array.from([1]));
      },
    });
    const [bad, good] = await Promise.allSettled([batcher.submit([seq(3, 13)]), batcher.submit([seq(2, 1)])]);
    expect(bad.status).toBe('rejected');
    expect(good.status).toBe('fulfilled');
    expect(calls).toBe(2);
  });
});
