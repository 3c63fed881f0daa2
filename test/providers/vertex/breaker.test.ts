import { describe, expect, it } from 'vitest';
import { createBreaker } from '../../../shared/providers/vertex/breaker.js';

function clocked() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('createBreaker', () => {
  it('opens after N consecutive failures and refuses until the cooldown ends', () => {
    const clock = clocked();
    const breaker = createBreaker({ failures: 3, cooldownMs: 1000, now: clock.now });
    expect(breaker.failure()).toBe(false);
    expect(breaker.failure()).toBe(false);
    expect(breaker.tryPass()).toBe(true);
    // Only the failure that opens it says so (the request log's breaker line is written on it).
    expect(breaker.failure()).toBe(true);
    expect(breaker.snapshot().state).toBe('open');
    expect(breaker.failure()).toBe(false);
    expect(breaker.tryPass()).toBe(false);
    expect(breaker.retryInMs()).toBe(1000);
  });

  it('a success in between resets the count', () => {
    const breaker = createBreaker({ failures: 2, cooldownMs: 1000 });
    breaker.failure();
    breaker.success();
    breaker.failure();
    expect(breaker.snapshot().state).toBe('closed');
  });

  it('lets exactly one probe through after the cooldown; its success closes the breaker', () => {
    const clock = clocked();
    const breaker = createBreaker({ failures: 1, cooldownMs: 1000, now: clock.now });
    breaker.failure();
    clock.advance(1000);
    expect(breaker.tryPass()).toBe(true);
    expect(breaker.tryPass()).toBe(false);
    breaker.success();
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(breaker.tryPass()).toBe(true);
  });

  it('a failed probe re-opens it for another cooldown', () => {
    const clock = clocked();
    const breaker = createBreaker({ failures: 1, cooldownMs: 1000, now: clock.now });
    breaker.failure();
    clock.advance(1000);
    expect(breaker.tryPass()).toBe(true);
    breaker.failure();
    expect(breaker.tryPass()).toBe(false);
    expect(breaker.snapshot().state).toBe('open');
  });

  it('a probe released without an outcome frees the slot for the next caller', () => {
    const clock = clocked();
    const breaker = createBreaker({ failures: 1, cooldownMs: 10, now: clock.now });
    breaker.failure();
    clock.advance(10);
    expect(breaker.tryPass()).toBe(true);
    breaker.release();
    expect(breaker.tryPass()).toBe(true);
  });
});
