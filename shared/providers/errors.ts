// Errors any provider may throw about one of its inputs, in provider-neutral terms: whoever
// composes providers (the cache, the embedding pipeline) re-points them at the caller's input.
import { GatewayError } from '../errors.js';

/**
 * One input of a provider call refused (too long to embed whole, say): `index` is its position in
 * that call. Not a reason to fall back: the same text would be refused by another model too.
 */
export class InputRefusedError extends GatewayError {
  constructor(readonly index: number, message: string) {
    super('invalid_request', message, { field: `inputs[${index}]` });
  }

  /** The same refusal, for the input at `index` of an enclosing call. */
  at(index: number): InputRefusedError {
    return new InputRefusedError(index, this.message);
  }
}
