// OpenAI's rate-limit headers, which its SDKs and many clients read to pace themselves.
import type { BucketView } from './gcra.js';
import type { Admission } from './types.js';

/** OpenAI writes durations like "20ms", "1s", "6m0s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const seconds = Math.ceil(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

function bucketHeaders(kind: 'requests' | 'tokens', view: BucketView, used = 0): Record<string, string> {
  return {
    [`x-ratelimit-limit-${kind}`]: String(view.limit),
    [`x-ratelimit-remaining-${kind}`]: String(Math.max(0, view.remaining - used)),
    [`x-ratelimit-reset-${kind}`]: formatDuration(view.resetMs + (used * 60_000) / view.limit),
  };
}

/**
 * Headers for an answer to a limited caller. `tokensUsed` is this request's own tokens, known
 * once its work is done: they count against what was left at admission.
 */
export function rateLimitHeaders(admission: Admission, tokensUsed = 0): Record<string, string> {
  return {
    ...(admission.requests ? bucketHeaders('requests', admission.requests) : {}),
    ...(admission.tokens ? bucketHeaders('tokens', admission.tokens, tokensUsed) : {}),
    ...(!admission.allowed && admission.retryAfterMs !== undefined ? { 'retry-after': String(Math.max(1, Math.ceil(admission.retryAfterMs / 1000))) } : {}),
  };
}
