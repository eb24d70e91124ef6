/**
 * A minimal circuit breaker for the cache: after a failure it stays open for `openMs`, so a
 * dead Redis costs no latency per request; then one probe is let through (half-open).
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface Breaker {
  readonly state: BreakerState;
  /** True when a call may go to the protected service now. */
  allow(): boolean;
  success(): void;
  failure(): void;
}

export interface BreakerOptions {
  /** How long to stay open after a failure (default 5,000 ms). */
  openMs?: number;
  /** Injected clock (default Date.now). */
  now?: () => number;
  /** Called on every state change (for logging). */
  onChange?: (state: BreakerState) => void;
}

/** Create a breaker, initially closed. */
export function createBreaker(options: BreakerOptions = {}): Breaker {
  const openMs = options.openMs ?? 5_000;
  const now = options.now ?? Date.now;
  let state: BreakerState = 'closed';
  let openedAt = 0;
  let probing = false;
  const set = (next: BreakerState) => {
    if (next === state) return;
    state = next;
    options.onChange?.(next);
  };
  return {
    get state() {
      return state;
    },
    allow() {
      if (state === 'closed') return true;
      if (state === 'open' && now() - openedAt >= openMs) set('half-open');
      if (state === 'half-open' && !probing) {
        probing = true;
        return true;
      }
      return false;
    },
    success() {
      probing = false;
      set('closed');
    },
    failure() {
      probing = false;
      openedAt = now();
      set('open');
    },
  };
}
