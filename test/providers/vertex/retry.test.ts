import { describe, expect, it } from 'vitest';
import { withRetry } from '../../../shared/providers/vertex/retry.js';

const transient = new Error('transient');
const permanent = new Error('permanent');

describe('withRetry', () => {
  it('retries retryable errors up to the limit, with full-jitter delays bounded by base * 2^n', async () => {
    const delays: number[] = [];
    let attempts = 0;
    await expect(withRetry(async () => {
      attempts++;
      throw transient;
    }, { retries: 3, baseMs: 4, deadline: Date.now() + 10_000, retryable: (e) => e === transient, random: () => 0.999, onRetry: (_e, _n, d) => delays.push(d) })).rejects.toBe(transient);
    expect(attempts).toBe(4);
    expect(delays).toEqual([3, 7, 15]);
  });

  it('does not retry other errors', async () => {
    let attempts = 0;
    await expect(withRetry(async () => {
      attempts++;
      throw permanent;
    }, { retries: 3, baseMs: 1, deadline: Date.now() + 10_000, retryable: (e) => e === transient })).rejects.toBe(permanent);
    expect(attempts).toBe(1);
  });

  it('returns the first success', async () => {
    let attempts = 0;
    const value = await withRetry(async () => {
      if (++attempts < 3) throw transient;
      return 'ok';
    }, { retries: 5, baseMs: 1, deadline: Date.now() + 10_000, retryable: () => true });
    expect(value).toBe('ok');
    expect(attempts).toBe(3);
  });

  it('gives up instead of sleeping past the deadline', async () => {
    let attempts = 0;
    await expect(withRetry(async () => {
      attempts++;
      throw transient;
    }, { retries: 10, baseMs: 1000, deadline: Date.now() + 50, retryable: () => true, random: () => 0.5 })).rejects.toBe(transient);
    expect(attempts).toBe(1);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    let attempts = 0;
    await expect(withRetry(async () => {
      attempts++;
      controller.abort(new Error('gone'));
      throw transient;
    }, { retries: 5, baseMs: 1, deadline: Date.now() + 10_000, retryable: () => true, signal: controller.signal })).rejects.toBe(transient);
    expect(attempts).toBe(1);
  });
});
