import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { loadChunker, type Chunker } from '../../shared/chunking/index.js';
import { loadTokenizer } from '../../shared/model/tokenizer.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
let chunker: Chunker;
let encode: (text: string) => number;

beforeAll(async () => {
  const dir = loadConfig({}).local.modelDir;
  chunker = await loadChunker(dir);
  // The chunker counts piece by piece (memo, WordPiece shortcut); its counts are checked against
  // the tokenizer's encode of the whole text.
  const tokenizer = await loadTokenizer(dir);
  encode = (text) => tokenizer.encode(text, { add_special_tokens: false }).length;
});

function checkInvariants(text: string, maxTokens: number, overlapTokens: number): void {
  const chunks = chunker.chunk(text, { maxTokens, overlapTokens });
  const covered = new Uint8Array(text.length);
  chunks.forEach((chunk, i) => {
    expect(chunk.index).toBe(i);
    expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
    expect(chunk.text.trim()).not.toBe('');
    expect(chunk.text).not.toMatch(LONE_SURROGATE);
    expect(chunk.tokens).toBe(encode(chunk.text));
    expect(chunk.tokens).toBeLessThanOrEqual(maxTokens);
    for (let j = chunk.start; j < chunk.end; j++) covered[j] = 1;
    if (i > 0) {
      const prev = chunks[i - 1]!;
      expect(chunk.start).toBeGreaterThan(prev.start);
      expect(chunk.end).toBeGreaterThan(prev.end);
      if (chunk.start < prev.end) {
        expect(overlapTokens).toBeGreaterThan(0);
        expect(encode(text.slice(chunk.start, prev.end))).toBeLessThanOrEqual(overlapTokens);
      }
    }
  });
  // Nothing but whitespace between and around chunks is left out.
  for (let j = 0; j < text.length; j++) if (!covered[j]) expect(text[j]).toMatch(/\s/);
}

const zhChars = [...'我喜欢看电影今天股市大跌北京的秋天很美人工智能正在改变世界请把文件发给我明天上午十点开会向量检索模型'];
const zhPunct = [...'。，！？、；：“”（）…'];
const enWords = ['the', 'embedding', 'gateway', 'splits', 'unbelievably', 'long', 'documents', 'Tokyo', 'naïve', 'café', 'x', 'internationalization', '3.14', '1,000'];
const enPunct = ['.', ',', '!', '?', ';', ':', '"', "'", '(', ')', '-'];
const emoji = ['😀', '👍🏽', '👨‍👩‍👧', '🇨🇳', '❤️', '🎬', '𠀀', '𝕏'];
const spaces = [' ', '  ', '\n', '\n\n', '\t', '\u3000', '\u00a0', '\r\n'];

const pick = (list: string[]) => fc.constantFrom(...list);
const joined = (unit: fc.Arbitrary<string>, maxLength = 120) => fc.array(unit, { maxLength }).map((parts) => parts.join(''));

const texts: [string, fc.Arbitrary<string>][] = [
  ['Chinese', joined(fc.oneof({ weight: 6, arbitrary: pick(zhChars) }, { weight: 1, arbitrary: pick(zhPunct) }, { weight: 1, arbitrary: pick(['\n', '\n\n']) }))],
  ['English', joined(fc.oneof({ weight: 4, arbitrary: pick(enWords) }, { weight: 4, arbitrary: pick([' ']) }, { weight: 1, arbitrary: pick(enPunct) }, { weight: 1, arbitrary: pick(spaces) }))],
  ['mixed', joined(fc.oneof(pick(zhChars), pick(zhPunct), pick(enWords), pick(enPunct), pick(spaces), pick(emoji)))],
  ['emoji', joined(fc.oneof(pick(emoji), pick(spaces), pick(zhChars)))],
  ['whitespace-only', joined(pick(spaces), 20)],
  ['no punctuation', joined(fc.oneof(pick(zhChars), pick(['internationalization', 'gateway', 'abc'])), 300)],
  ['arbitrary unicode', fc.string({ unit: 'grapheme', maxLength: 200 })],
];

describe('chunker invariants', () => {
  it.each(texts)('hold on random %s text', (_name, text) => {
    fc.assert(fc.property(text, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 39 }), (t, max, overlap) => {
      checkInvariants(t, max, Math.min(overlap, max - 1));
    }), { numRuns: 150 });
  });

  it('gives no chunks for whitespace-only text', () => {
    expect(chunker.chunk(' \n\t\u3000 ', { maxTokens: 10, overlapTokens: 0 })).toEqual([]);
  });

  it('keeps sentence-ending punctuation with its sentence', () => {
    const text = '我喜欢看电影。今天股市大跌！他说：“你好。”然后走了。';
    const chunks = chunker.chunk(text, { maxTokens: 8, overlapTokens: 0 });
    for (const chunk of chunks) expect(chunk.text).not.toMatch(/^[。！？”，]/);
    expect(chunks.map((c) => c.text)).toEqual(['我喜欢看电影。', '今天股市大跌！', '他说：“你好。”', '然后走了。']);
  });

  it('prefers paragraph, then sentence, then clause boundaries', () => {
    const text = 'First paragraph here.\n\nSecond one, with a clause. And another sentence follows it.';
    // 12 tokens: the first paragraph stays alone although "Second one," would fit beside it;
    // the second paragraph (19 tokens) splits at its sentence end, not at its comma.
    expect(chunker.chunk(text, { maxTokens: 12, overlapTokens: 0 }).map((c) => c.text))
      .toEqual(['First paragraph here.', 'Second one, with a clause.', 'And another sentence follows it.']);
    // 8 tokens: the 9-token sentence splits at its comma, not between words.
    expect(chunker.chunk(text, { maxTokens: 8, overlapTokens: 0 }).map((c) => c.text).slice(0, 3))
      .toEqual(['First paragraph here.', 'Second one,', 'with a clause.']);
  });

  it('does not cut 3.14 or 1,000 at their marks', () => {
    const text = 'pi is 3.14 and a thousand is 1,000 exactly';
    const chunks = chunker.chunk(text, { maxTokens: 6, overlapTokens: 0 });
    expect(chunks.some((c) => c.text.includes('3.14'))).toBe(true);
    expect(chunks.some((c) => c.text.includes('1,000'))).toBe(true);
  });

  it('cuts a word longer than a chunk between its characters', () => {
    const chunks = chunker.chunk('internationalization', { maxTokens: 2, overlapTokens: 0 });
    expect(chunks.map((c) => c.text).join('')).toBe('internationalization');
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(2);
  });

  it('counts a megabyte-scale text the same as the tokenizer does', () => {
    const text = ('向量检索可以找到相似的文档。Vector search finds similar documents, fast.\n\n').repeat(400);
    const chunks = chunker.chunk(text, { maxTokens: 510, overlapTokens: 50 });
    const total = encode(text);
    const sum = chunks.reduce((s, c, i) => s + c.tokens - (i > 0 && c.start < chunks[i - 1]!.end ? encode(text.slice(c.start, chunks[i - 1]!.end)) : 0), 0);
    expect(sum).toBe(total);
  });
});
