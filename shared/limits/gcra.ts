// GCRA (the generic cell rate algorithm), the same arithmetic in-process and in Redis's script.
// A limit of L per minute is a bucket of L units refilled at L per minute: a caller may send a
// minute's worth at once, then L per minute. The state is one number per bucket, the
// theoretical arrival time (TAT): how far in the future the bucket would be full again.
//
// Requests cost 1 at admission. Tokens are not known until the work is done, so a request is
// admitted while at least one token is left, and its tokens are debited when it finishes (it
// may overdraw; the next request then waits until the bucket is back above zero).

export interface Bucket {
  /** Units per minute. */
  limit: number;
}

/** Milliseconds per unit. */
export const intervalMs = (bucket: Bucket) => 60_000 / bucket.limit;
/** How far the TAT may run ahead of now: a full minute's worth. */
export const toleranceMs = (_bucket: Bucket) => 60_000;

export interface BucketView {
  limit: number;
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

/** The bucket as a caller sees it, given how far its TAT is ahead of now (its debt). */
export function view(bucket: Bucket, debtMs: number): BucketView {
  const debt = Math.max(0, debtMs);
  const remaining = Math.max(0, Math.floor((toleranceMs(bucket) - debt) / intervalMs(bucket) + 1e-4));
  return { limit: bucket.limit, remaining: Math.min(bucket.limit, remaining), resetMs: Math.ceil(debt) };
}

/** Milliseconds until one more unit fits, given the debt. */
export function waitMs(bucket: Bucket, debtMs: number): number {
  return Math.max(0, Math.ceil(debtMs - (toleranceMs(bucket) - intervalMs(bucket)) - 1e-3));
}

/** Whether a unit may be taken now. */
export function fits(bucket: Bucket, debtMs: number): boolean {
  return debtMs <= toleranceMs(bucket) - intervalMs(bucket) + 1e-3;
}
