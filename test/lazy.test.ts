import { describe, expect, it } from 'vitest';
import { lazy, lazyBy } from '../shared/lazy.js';

describe('lazy', () => {
  it('loads once on first use and shares the load with concurrent callers', async () => {
    let loads = 0;
    const value = lazy(async () => ++loads);
    expect(loads).toBe(0);
    expect(value.started()).toBeUndefined();
    expect(await Promise.all([value(), value(), value()])).toEqual([1, 1, 1]);
    expect(await value()).toBe(1);
    expect(loads).toBe(1);
    expect(value.loaded()).toBe(true);
  });

  it('forgets a failed load, so the next call tries again', async () => {
    let loads = 0;
    const value = lazy(async () => {
      if (++loads === 1) throw new Error('transient');
      return 'ok';
    });
    await expect(value()).rejects.toThrow('transient');
    expect(value.loaded()).toBe(false);
    expect(value.started()).toBeUndefined();
    expect(await value()).toBe('ok');
    expect(loads).toBe(2);
  });

  it('turns a load that throws synchronously into a rejection, also retried', async () => {
    let loads = 0;
    const value = lazy<number>(() => {
      if (++loads === 1) throw new Error('sync');
      return Promise.resolve(loads);
    });
    await expect(value()).rejects.toThrow('sync');
    expect(await value()).toBe(2);
  });

  it('started() shows a load under way without starting one', async () => {
    const value = lazy(async () => 'x');
    expect(value.started()).toBeUndefined();
    const first = value();
    expect(value.started()).toBe(first);
    await first;
  });
});

describe('lazyBy', () => {
  it('keeps one value per key and retries a key whose load failed', async () => {
    const calls: string[] = [];
    const load = lazyBy(async (key: string) => {
      calls.push(key);
      if (key === 'b' && calls.filter((k) => k === 'b').length === 1) throw new Error('b failed');
      return key.toUpperCase();
    });
    expect(await Promise.all([load('a'), load('a')])).toEqual(['A', 'A']);
    await expect(load('b')).rejects.toThrow('b failed');
    expect(await load('b')).toBe('B');
    expect(await load('a')).toBe('A');
    expect(calls).toEqual(['a', 'b', 'b']);
  });
});
