import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callTokens, estimateTokens, planCalls } from '../../../shared/providers/vertex/split.js';
import { fakeTokens } from '../../fakes/vertex-server.js';

const limits = { maxInstancesPerCall: 250, maxTokensPerCall: 20_000, maxTokensPerText: 2048 };

describe('estimateTokens', () => {
  it.each([
    ['我喜欢看电影', 7],
    ['hello world', 5],
    ['a, b.', 5],
  ])('estimates %j as %i', (text, tokens) => {
    expect(estimateTokens(text)).toBe(tokens);
  });

  it('never estimates below the fake tokenizer (a stand-in for a SentencePiece count)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => estimateTokens(text) >= fakeTokens(text)));
  });

  it('caps a text at the per-text limit only when Vertex will truncate it', () => {
    const long = 'abc '.repeat(5000);
    expect(callTokens(long, limits, true)).toBe(2048);
    expect(callTokens(long, limits, false)).toBe(5001);
  });
});

describe('planCalls', () => {
  it('cuts by instances', () => {
    expect(planCalls(new Array(600).fill(1), limits)).toEqual([[0, 250], [250, 500], [500, 600]]);
  });

  it('cuts by tokens before instances when texts are long', () => {
    expect(planCalls(new Array(30).fill(1501), limits)).toEqual([[0, 13], [13, 26], [26, 30]]);
  });

  it('gives an over-size single text a call of its own', () => {
    expect(planCalls([10, 30_000, 10], limits)).toEqual([[0, 1], [1, 2], [2, 3]]);
  });

  it('covers every index once, in order, within both caps', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 2048 }), { minLength: 1, maxLength: 700 }), (tokens) => {
      const calls = planCalls(tokens, limits);
      expect(calls[0]![0]).toBe(0);
      expect(calls.at(-1)![1]).toBe(tokens.length);
      calls.forEach(([start, end], i) => {
        if (i > 0) expect(start).toBe(calls[i - 1]![1]);
        expect(end - start).toBeGreaterThan(0);
        expect(end - start).toBeLessThanOrEqual(250);
        expect(tokens.slice(start, end).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20_000);
      });
    }));
  });
});
