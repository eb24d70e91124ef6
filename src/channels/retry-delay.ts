/** Backoff of failed channel deliveries: a pure function of the attempt count and randomness. */

/** Exponential backoff with jitter, bounded attempts. */
export interface RetryPolicy {
  /** Delay after the first failure. */
  minMs: number;
  /** Cap of one delay (before jitter). */
  maxMs: number;
  /** Up to this fraction is added at random, so receivers that failed together are not retried together. */
  jitter: number;
  /** Attempts in all; after the last failure the delivery is dead. */
  maxAttempts: number;
}

/** Delay after failure number `attempts` (1-based): `min(maxMs, minMs * 2^(attempts-1)) * (1 + random() * jitter)`. */
export function retryDelayMs(attempts: number, policy: Pick<RetryPolicy, 'minMs' | 'maxMs' | 'jitter'>, random: () => number = Math.random): number {
  const base = Math.min(policy.maxMs, policy.minMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (1 + random() * policy.jitter));
}
