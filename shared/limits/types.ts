// What a per-caller limiter answers, whichever store keeps the counts.
import type { BucketView } from './gcra.js';

export interface CallerBuckets {
  /** Requests per minute; undefined when the caller has no request limit. */
  rpm?: number;
  /** Tokens per minute; undefined when the caller has no token limit. */
  tpm?: number;
}

export interface Admission {
  allowed: boolean;
  /** Which limit refused (requests first when both would). */
  refusedBy?: 'requests' | 'tokens';
  /** Milliseconds until a retry could be admitted, when refused. */
  retryAfterMs?: number;
  requests?: BucketView;
  tokens?: BucketView;
  /** Where the decision was made: shared (Redis, every instance) or this instance. */
  scope: 'shared' | 'instance';
}

export interface Limiter {
  /** Admits one request of `caller` or refuses it; never throws. */
  admit(caller: string, buckets: CallerBuckets): Promise<Admission>;
  /** Counts the tokens a finished request used; never throws, never waits for a store. */
  debit(caller: string, buckets: CallerBuckets, tokens: number): void;
  close(): Promise<void>;
}
