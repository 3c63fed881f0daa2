import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelFolder } from '../../shared/model/folder.js';

const bundled = path.resolve(__dirname, '../../models/bge-small-zh-v1.5');

describe('readModelFolder', () => {
  it('reads the bundled model as CLS-pooled, normalised, 512 dims and 512 tokens', () => {
    const folder = readModelFolder(bundled);
    expect(folder).toMatchObject({ id: 'bge-small-zh-v1.5', dimensions: 512, maxTokens: 512, pooling: 'cls', normalize: true, dtype: 'q8' });
    expect(folder.queryInstruction).toBe('为这个句子生成表示以用于检索相关文章：');
    expect(folder.model).toMatch(/^bge-small-zh-v1\.5@q8-[0-9a-f]{12}$/);
  });

  it('takes mean pooling from a MiniLM-style pooling config', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'model-'));
    try {
      cpSync(path.join(bundled, 'config.json'), path.join(dir, 'config.json'));
      cpSync(path.join(bundled, 'modules.json'), path.join(dir, 'modules.json'));
      cpSync(path.join(bundled, '1_Pooling'), path.join(dir, '1_Pooling'), { recursive: true });
      writeFileSync(path.join(dir, '1_Pooling', 'config.json'), JSON.stringify({ word_embedding_dimension: 512, pooling_mode_mean_tokens: true }));
      const folder = readModelFolder(dir);
      expect(folder.pooling).toBe('mean');
      expect(folder.queryInstruction).toBeNull();
      expect(folder.id).toBe(path.basename(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a folder without a model config, naming the setting', () => {
    expect(() => readModelFolder(os.tmpdir())).toThrow(/LOCAL_MODEL_DIR/);
  });
});
