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

  it('serves a one-text caller in the next window, not behind a big caller\'s queue', async () => {
    const order: number[] = [];
    const batcher = createBatcher({
      maxBatchSize: 1, maxBatchTokens: 10_000, maxQueued: 1000, coalesce: true, parallelism: 2,
      run: async (sequences) => {
        order.push(sequences[0]![0]!);
        await new Promise((r) => setTimeout(r, 2));
        return sequences.map((s) => Float32Array.from([s[0]!]));
      },
    });
    const big = batcher.submit(Array.from({ length: 200 }, () => seq(8, 1)));
    await new Promise((r) => setTimeout(r, 10));
    const small = await batcher.submit([seq(2, 7)]);
    expect(Array.from(small[0]!)).toEqual([7]);
    // Runs before the small caller's: the window in flight when it arrived, at most one per lane
    // twice over (the running window and the one already packed), never the big caller's queue.
    const before = order.indexOf(7);
    const startedWhenQueued = order.slice(0, before).length;
    expect(before).toBeGreaterThan(0);
    expect(startedWhenQueued).toBeLessThan(20);
    expect((await big)).toHaveLength(200);
  });

  it('bounds a window by tokens too: long texts queued ahead delay a newcomer by about one batch per lane', async () => {
    const order: number[] = [];
    const batcher = createBatcher({
      maxBatchSize: 32, maxBatchTokens: 256, maxQueued: 1000, coalesce: true, parallelism: 2,
      run: async (sequences) => {
        order.push(...sequences.map((s) => s[0]!));
        await new Promise((r) => setTimeout(r, 2));
        return sequences.map((s) => Float32Array.from([s[0]!]));
      },
    });
    // 64 texts of 200 tokens: one per batch under the 256-token cap. A window of 32 texts would
    // hold 32 runs; one of 512 tokens holds 2.
    const big = batcher.submit(Array.from({ length: 64 }, () => seq(200, 1)));
    await new Promise((r) => setTimeout(r, 5));
    const small = await batcher.submit([seq(10, 7)]);
    expect(Array.from(small[0]!)).toEqual([7]);
    expect(order.indexOf(7)).toBeLessThan(12);
    expect(await big).toHaveLength(64);
  });

  it('packs short texts of many callers into batches under the token cap', async () => {
    const { batches, run } = recordingRun(1);
    const batcher = createBatcher({ maxBatchSize: 32, maxBatchTokens: 256, maxQueued: 1000, coalesce: true, parallelism: 2, run });
    const answers = await Promise.all(Array.from({ length: 32 }, (_, i) => batcher.submit([seq(16, i)])));
    answers.forEach((vectors, i) => expect(Array.from(vectors[0]!)).toEqual([16, i]));
    expect(batches.map((b) => b.length)).toEqual([16, 16]);
  });

  it('mixes callers round-robin within a window, so one batch can hold several callers\' texts', async () => {
    const { batches, run } = recordingRun(1);
    const batcher = createBatcher({ maxBatchSize: 4, maxBatchTokens: 10_000, maxQueued: 1000, coalesce: true, run });
    const a = batcher.submit(Array.from({ length: 6 }, () => seq(3, 1)));
    const b = batcher.submit(Array.from({ length: 6 }, () => seq(3, 2)));
    await Promise.all([a, b]);
    expect(batches[0]!.map((s) => s[0])).toEqual([1, 2, 1, 2]);
  });

  it('refuses with 413 naming the limit a request that could never fit, and 429 only when waiting helps', async () => {
    const { run } = recordingRun(20);
    const batcher = createBatcher({ maxBatchSize: 1, maxBatchTokens: 10_000, maxQueued: 4, coalesce: true, run });
    await expect(batcher.submit(Array.from({ length: 5 }, () => seq(1)))).rejects.toMatchObject({ type: 'too_large', status: 413 });
    await expect(batcher.submit(Array.from({ length: 5 }, () => seq(1)))).rejects.toThrow(/LOCAL_MAX_QUEUED_TEXTS/);
    const first = batcher.submit(Array.from({ length: 3 }, () => seq(1)));
    await expect(batcher.submit([seq(1), seq(1)])).rejects.toMatchObject({ type: 'overloaded', status: 429 });
    await first;
  });

  it('holds admitted room while the caller tokenizes, and gives it back when released', () => {
    const batcher = createBatcher({ maxBatchSize: 1, maxBatchTokens: 10_000, maxQueued: 4, coalesce: true, run: async (s) => s.map(() => new Float32Array(1)) });
    const held = batcher.admit(3);
    expect(batcher.load()).toBe(3);
    expect(() => batcher.check(2)).toThrow(/queued/);
    held.release();
    held.release();
    expect(batcher.load()).toBe(0);
  });

  it('settles an aborted caller at once, queued or running, and drops its queued texts', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let runs = 0;
    const batcher = createBatcher({
      maxBatchSize: 1, maxBatchTokens: 10_000, maxQueued: 100, coalesce: true,
      run: async (s) => {
        runs++;
        await gate;
        return s.map(() => new Float32Array(1));
      },
    });
    const controller = new AbortController();
    const answer = batcher.submit(Array.from({ length: 10 }, () => seq(1)), controller.signal);
    await new Promise((r) => setTimeout(r, 5));
    expect(runs).toBe(1);
    controller.abort(new GatewayError('upstream_timeout', 'The request deadline passed'));
    await expect(answer).rejects.toMatchObject({ type: 'upstream_timeout', status: 504 });
    // The nine queued texts left the queue; the one running still occupies its worker.
    expect(batcher.load()).toBe(1);
    release();
    await new Promise((r) => setTimeout(r, 5));
    expect(runs).toBe(1);
    expect(batcher.load()).toBe(0);
  });

  describe('a full queue keeps requests in line (LOCAL_QUEUE_WAIT_MS)', () => {
    /** A batcher whose runs finish only when the test says so. */
    function gatedBatcher(options: { maxQueued: number; maxWaitMs: number; maxWaitingTexts: number }) {
      const gates: (() => void)[] = [];
      const batcher = createBatcher({
        maxBatchSize: 1, maxBatchTokens: 10_000, coalesce: true, ...options,
        run: async (s) => {
          await new Promise<void>((r) => gates.push(r));
          return s.map((ids) => Float32Array.from([ids[0]!]));
        },
      });
      const finishOne = async () => {
        while (gates.length === 0) await new Promise((r) => setImmediate(r));
        gates.shift()!();
      };
      return { batcher, finishOne };
    }
    const admitAndRun = async (batcher: ReturnType<typeof createBatcher>, tag: number) =>
      (await batcher.admitWaiting(1)).submit([seq(1, tag)]).then((v) => v[0]![0]);

    it('admits waiters first come, first served as room frees, before newcomers', async () => {
      const { batcher, finishOne } = gatedBatcher({ maxQueued: 1, maxWaitMs: 60_000, maxWaitingTexts: 10 });
      const order: number[] = [];
      const answers = [1, 2, 3].map((tag) => admitAndRun(batcher, tag).then((v) => order.push(v!)));
      // Full with one running: the others wait instead of a 429, and check() says so too.
      expect(() => batcher.check(1)).not.toThrow();
      for (let i = 0; i < 3; i++) await finishOne();
      await Promise.all(answers);
      expect(order).toEqual([1, 2, 3]);
      expect(batcher.load()).toBe(0);
    });

    it('answers 429 when the wait runs out, and at once when the line is full', async () => {
      const { batcher, finishOne } = gatedBatcher({ maxQueued: 2, maxWaitMs: 30, maxWaitingTexts: 2 });
      const running = batcher.admitWaiting(2).then((room) => room.submit([seq(1, 1), seq(1, 2)]));
      const waiting = batcher.admitWaiting(2);
      // The line holds 2 texts: a third text is refused at once, by check() and admitWaiting alike.
      expect(() => batcher.check(1)).toThrow(GatewayError);
      await expect(batcher.admitWaiting(1)).rejects.toMatchObject({ type: 'overloaded', status: 429, retryAfterSeconds: 1 });
      // The queue never frees within the wait: a 429 with retry-after, and the line is empty again.
      await expect(waiting).rejects.toMatchObject({ type: 'overloaded', status: 429 });
      expect(() => batcher.check(1)).not.toThrow();
      await finishOne();
      await finishOne();
      await running;
      expect(batcher.load()).toBe(0);
    });

    it('lets an aborted waiter leave the line with the reason of its signal', async () => {
      const { batcher, finishOne } = gatedBatcher({ maxQueued: 1, maxWaitMs: 60_000, maxWaitingTexts: 1 });
      const running = admitAndRun(batcher, 1);
      const controller = new AbortController();
      const waiting = batcher.admitWaiting(1, 'inputs', controller.signal);
      expect(() => batcher.check(1)).toThrow(GatewayError);
      controller.abort(new GatewayError('upstream_timeout', 'The request deadline passed'));
      await expect(waiting).rejects.toMatchObject({ type: 'upstream_timeout' });
      expect(() => batcher.check(1)).not.toThrow();
      await finishOne();
      await running;
    });

    it('still refuses at once with 413 a request that could never fit', async () => {
      const { batcher } = gatedBatcher({ maxQueued: 2, maxWaitMs: 60_000, maxWaitingTexts: 10 });
      await expect(batcher.admitWaiting(3)).rejects.toMatchObject({ type: 'too_large', status: 413 });
    });
  });
});
