import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { readModelFolder } from '../../shared/model/folder.js';
import { loadTokenizer } from '../../shared/model/tokenizer.js';
import { wordPieceCounter, type FastCount } from '../../shared/chunking/wordpiece.js';
import { randomWords } from '../helpers/texts.js';

let fast: FastCount;
let encode: (text: string) => number;

beforeAll(async () => {
  const folder = readModelFolder(loadConfig({}).local.modelDir);
  const tokenizer = await loadTokenizer(folder.dir);
  fast = wordPieceCounter(tokenizer.spec)!;
  encode = (text) => tokenizer.encode(text, { add_special_tokens: false }).length;
});

describe('wordPieceCounter', () => {
  it('counts plain ASCII words exactly as the bundled tokenizer does', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9]{1,120}$/);
    fc.assert(fc.property(word, (w) => fast(w) === encode(w)), { numRuns: 500 });
    for (const w of randomWords(300, 99, 4).split(' ')) expect(fast(w)).toBe(encode(w));
    for (const w of ['internationalization', 'Hello', 'GPT4', 'a'.repeat(100), 'a'.repeat(101), '2024']) expect(fast(w)).toBe(encode(w));
  });

  it('leaves everything else to the tokenizer', () => {
    for (const piece of ['我', 'café', 'don\'t', 'a-b', ' ', '']) expect(fast(piece)).toBeUndefined();
  });
});
