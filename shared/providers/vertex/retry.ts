// Exponential backoff with full jitter (sleep a random time up to base * 2^attempt), never past
// the deadline: a retry that cannot finish in time is not attempted.
export interface RetryPolicy {
  retries: number;
  baseMs: number;
  maxDelayMs?: number;
  /** Epoch ms; no attempt starts after it, no sleep runs past it. */
  deadline: number;
  signal?: AbortSignal;
  retryable: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  random?: () => number;
}

export async function withRetry<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  const random = policy.random ?? Math.random;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= policy.retries || !policy.retryable(error) || policy.signal?.aborted) throw error;
      const delay = Math.floor(random() * Math.min(policy.maxDelayMs ?? 10_000, policy.baseMs * 2 ** n));
      // Leave at least a few ms for the attempt itself.
      if (Date.now() + delay + 5 >= policy.deadline) throw error;
      policy.onRetry?.(error, n + 1, delay);
      await sleep(delay, policy.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
