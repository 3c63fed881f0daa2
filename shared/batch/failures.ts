// The two failure classes of a batch job. Permanent: redelivery would fail the same way, so the
// job or item gets an error result and the message is acked. Transient: the function throws
// and Pub/Sub redelivers (until BATCH_MAX_ATTEMPTS, then errors are published instead).
import { GatewayError } from '../errors.js';

const PERMANENT = new Set(['invalid_request', 'too_large', 'not_found']);

/** The job item a permanent error names (`inputs[k]` with k the item's index in the job), if any. */
export function failedItemIndex(error: unknown): number | undefined {
  if (!(error instanceof GatewayError) || !PERMANENT.has(error.type)) return undefined;
  const match = error.field?.match(/^inputs\[(\d+)\]/);
  return match ? Number(match[1]) : undefined;
}

/** Whole-job problems redelivery cannot fix: an unknown model, unsupported dimensions. */
export function isPermanent(error: unknown): error is GatewayError {
  return error instanceof GatewayError && PERMANENT.has(error.type);
}

/** A refusal of the request that names no field: some item in it, but which one is unknown. */
export function isUnattributed(error: unknown): error is GatewayError {
  return error instanceof GatewayError && PERMANENT.has(error.type) && error.field === undefined;
}

export function describe(error: unknown): { type: string; message: string; field?: string } {
  if (error instanceof GatewayError) return { type: error.type, message: error.message, ...(error.field ? { field: error.field } : {}) };
  return { type: 'internal', message: error instanceof Error ? error.message : String(error) };
}
