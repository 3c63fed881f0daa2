// The model folder's tokenizer gives the ids transformers.js's AutoTokenizer gives (what the
// gateway used before, and what the Python reference tokenizer matches), on the bundled folder.
import path from 'node:path';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer, type ModelTokenizer } from '../../shared/model/tokenizer.js';
import { cjkText, randomWords } from '../helpers/texts.js';

const bundled = path.resolve(__dirname, '../../models/bge-small-zh-v1.5');
let ours: ModelTokenizer;
let reference: { encode(text: string, options?: { add_special_tokens?: boolean }): number[]; sep_token_id?: number };

beforeAll(async () => {
  ours = await loadTokenizer(bundled);
  env.allowRemoteModels = false;
  env.localModelPath = path.dirname(bundled) + '/';
  reference = (await AutoTokenizer.from_pretrained(path.basename(bundled))) as unknown as typeof reference;
});

const texts = [
  '', '我喜欢看电影', 'Hello World', 'HELLO   world\t\n!', 'café naïve résumé', 'A mixed 中文 sentence, with 12345 and punctuation!?',
  '为这个句子生成表示以用于检索相关文章：今天股市大跌', '😀 emoji and \u0000 control \u200b chars', 'internationalization ' .repeat(30),
  cjkText(700, 3), randomWords(200, 9, 5), '[CLS] [SEP] [MASK] tokens typed as text',
];

describe('loadTokenizer', () => {
  it('encodes as transformers.js does, with and without special tokens', () => {
    for (const text of texts) {
      expect(ours.encode(text), text.slice(0, 40)).toEqual(reference.encode(text));
      expect(ours.encode(text, { add_special_tokens: false }), text.slice(0, 40)).toEqual(reference.encode(text, { add_special_tokens: false }));
    }
    expect(ours.encode('我喜欢看电影')).toEqual([101, 2769, 1599, 3614, 4692, 4510, 2512, 102]);
  });

  it('knows the bundled folder closes sequences with [SEP] and tokenizes piece by piece', () => {
    expect(ours.endTokenId).toBe(reference.sep_token_id);
    expect(ours.endTokenId).toBe(102);
    expect(ours.pieceWise).toBe(true);
    expect(ours.spec.model?.type).toBe('WordPiece');
  });

  it('is loaded once per folder', async () => {
    expect(await loadTokenizer(bundled)).toBe(ours);
  });

  it('says a non-BERT tokenizer is not piece-wise, and names a folder it cannot read', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenizer-'));
    try {
      cpSync(path.join(bundled, 'tokenizer.json'), path.join(dir, 'tokenizer.json'));
      const spec = JSON.parse(JSON.stringify(ours.spec));
      spec.pre_tokenizer = { type: 'Whitespace' };
      writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(spec));
      const other = await loadTokenizer(dir);
      expect(other.pieceWise).toBe(false);
      // No tokenizer_config.json: no named separator, so BERT's.
      expect(other.endTokenId).toBe(102);
      await expect(loadTokenizer(path.join(dir, 'missing'))).rejects.toThrow(`LOCAL_MODEL_DIR: cannot read ${path.join(dir, 'missing', 'tokenizer.json')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
