// A circuit breaker: after `failures` consecutive transient failures it opens and refuses calls
// (so callers go straight to the fallback instead of waiting on a sick Vertex); after `cooldownMs`
// it lets exactly one probe through, and that probe's outcome closes or re-opens it.
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface Breaker {
  /** Whether a call may go out now; in half-open, true for the single probe only. */
  tryPass(): boolean;
  success(): void;
  /** Counts a transient failure; true when it opened the breaker (the Nth in a row, or a failed probe). */
  failure(): boolean;
  /** The call ended without telling us about Vertex (caller left): free the probe slot. */
  release(): void;
  /** Ms until the next probe when open, else 0. */
  retryInMs(): number;
  snapshot(): { state: BreakerState; consecutiveFailures: number; retryInMs: number };
}

export function createBreaker(options: { failures: number; cooldownMs: number; now?: () => number }): Breaker {
  const now = options.now ?? Date.now;
  let state: BreakerState = 'closed';
  let consecutive = 0;
  let openedAt = 0;
  let probeOut = false;

  const retryInMs = () => (state === 'open' ? Math.max(0, openedAt + options.cooldownMs - now()) : 0);
  const open = () => {
    state = 'open';
    openedAt = now();
    probeOut = false;
  };

  return {
    tryPass() {
      if (state === 'closed') return true;
      if (state === 'open' && retryInMs() === 0) {
        state = 'half_open';
        probeOut = false;
      }
      if (state === 'half_open' && !probeOut) {
        probeOut = true;
        return true;
      }
      return false;
    },
    success() {
      state = 'closed';
      consecutive = 0;
      probeOut = false;
    },
    failure() {
      consecutive++;
      if (state !== 'half_open' && consecutive < options.failures) return false;
      // A call that was in flight when it opened fails too: that restarts the cooldown, but it
      // did not open the breaker.
      const opened = state !== 'open';
      open();
      return opened;
    },
    release() {
      probeOut = false;
    },
    retryInMs,
    snapshot: () => ({ state: state === 'open' && retryInMs() === 0 ? 'half_open' : state, consecutiveFailures: consecutive, retryInMs: retryInMs() }),
  };
}
