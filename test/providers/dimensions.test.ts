// The one output-size rule: a listed model makes only its sizes, an unlisted one any size up to
// its full one; the refusal names the field and, for a listed model, the sizes it makes.
import { describe, expect, it } from 'vitest';
import { checkDimensions, dimensionsRefusal, supportsDimensions } from '../../shared/providers/dimensions.js';
import type { ModelInfo } from '../../shared/providers/types.js';

const bundled: ModelInfo = { provider: 'local', model: 'bge-small-zh-v1.5@q8-abc', dimensions: 512, dimensionSizes: [512], maxTokens: 512 };
const matryoshka: ModelInfo = { ...bundled, model: 'mini@1', dimensions: 768, dimensionSizes: [768, 256, 128] };
const vertex: ModelInfo = { provider: 'vertex', model: 'text-embedding-005', dimensions: 768, maxTokens: 2048 };

describe('dimensions', () => {
  it('knows which sizes each kind of model makes', () => {
    expect([512, 256, 513].map((d) => supportsDimensions(bundled, d))).toEqual([true, false, false]);
    expect([768, 256, 300].map((d) => supportsDimensions(matryoshka, d))).toEqual([true, true, false]);
    expect([1, 300, 768, 769, 0, 2.5].map((d) => supportsDimensions(vertex, d))).toEqual([true, true, true, false, false, false]);
  });

  it('asks nothing of a request without dimensions', () => {
    expect(dimensionsRefusal(bundled, undefined)).toBeUndefined();
    expect(() => checkDimensions(vertex, 256)).not.toThrow();
  });

  it('refuses too many dimensions with the model\'s full size', () => {
    expect(() => checkDimensions(vertex, 1024)).toThrow('dimensions must be at most 768 for text-embedding-005');
    expect(dimensionsRefusal(bundled, 600)).toMatchObject({ type: 'invalid_request', field: 'dimensions', status: 400 });
  });

  it('refuses a size a listed model does not make, naming the ones it does', () => {
    expect(dimensionsRefusal(bundled, 256)).toMatchObject({
      field: 'dimensions',
      message: 'bge-small-zh-v1.5 is not Matryoshka-trained and cannot shorten its vectors; supported dimensions: 512',
      detail: { supported_dimensions: [512] },
    });
    expect(dimensionsRefusal(matryoshka, 300)).toMatchObject({ detail: { supported_dimensions: [768, 256, 128] } });
  });
});
