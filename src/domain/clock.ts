/**
 * Time as every long-lived part reads it: `now()` and cancellable timers, injected so tests of
 * backoff, intervals, send rates and digest hours run on a simulated clock (ManualClock).
 */

/** Cancels a timer; calling it after the timer fired, or twice, does nothing. */
export type Cancel = () => void;

export interface Clock {
  now(): number;
  /** Run `fn` once after `delayMs` (clamped at 0). */
  setTimer(fn: () => void, delayMs: number): Cancel;
}

/** The machine's clock. Timers keep the process alive, as pending work should. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, delayMs) {
    // setTimeout overflows above 2^31-1 ms (~24.8 days) and would fire at once.
    const handle = setTimeout(fn, Math.min(Math.max(0, delayMs), 2_147_483_647));
    return () => clearTimeout(handle);
  },
};
