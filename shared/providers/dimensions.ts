// The one rule for output sizes: which a model can make, and the caller's 400 when it cannot.
// The pipeline checks the serving model before any work; fallback checks its target before
// answering in the primary's place (an index must never get vectors of another size).
import { GatewayError, invalid } from '../errors.js';
import type { ModelInfo } from './types.js';

export function supportsDimensions(info: ModelInfo, dimensions: number): boolean {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > info.dimensions) return false;
  return info.dimensionSizes === undefined || info.dimensionSizes.includes(dimensions);
}

/** The refusal for `dimensions` on this model, or undefined when it can make them (or none were asked for). */
export function dimensionsRefusal(info: ModelInfo, dimensions: number | undefined): GatewayError | undefined {
  if (dimensions === undefined || supportsDimensions(info, dimensions)) return undefined;
  if (dimensions > info.dimensions) return invalid('dimensions', `dimensions must be at most ${info.dimensions} for ${info.model}`);
  const sizes = info.dimensionSizes ?? [info.dimensions];
  const name = info.model.split('@')[0];
  const why = sizes.length === 1 ? `${name} is not Matryoshka-trained and cannot shorten its vectors` : `${name} makes only some output sizes`;
  return new GatewayError('invalid_request', `${why}; supported dimensions: ${sizes.join(', ')}`, {
    field: 'dimensions',
    detail: { supported_dimensions: [...sizes] },
  });
}

export function checkDimensions(info: ModelInfo, dimensions: number | undefined): void {
  const refusal = dimensionsRefusal(info, dimensions);
  if (refusal) throw refusal;
}
