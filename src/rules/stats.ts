/** The few statistics the rules need, over plain number arrays. */

/** Arithmetic mean; NaN for an empty array (callers check the count first). */
export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/**
 * Population standard deviation. Population rather than sample because the rules ask "how far
 * is today from *these* days", not an estimate of an unseen distribution.
 */
export function standardDeviation(values: readonly number[]): number {
  const m = mean(values);
  let squares = 0;
  for (const value of values) squares += (value - m) ** 2;
  return Math.sqrt(squares / values.length);
}

/** Round to cents (or any number of decimals) so evidence reads cleanly. */
export function round(value: number, decimals = 2): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
