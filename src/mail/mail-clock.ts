/**
 * Time for the mailer: `now()` and cancellable timers, injected so that tests of the send rate,
 * retries and the digest hour run on a simulated clock. The runtime's `ManualClock` fits.
 */

/** Cancels a timer; calling it after it fired, or twice, does nothing. */
export type CancelTimer = () => void;

export interface MailClock {
  now(): number;
  /** Run `fn` once after `delayMs` (clamped at 0). */
  setTimer(fn: () => void, delayMs: number): CancelTimer;
}

/** The machine's clock. */
export const systemMailClock: MailClock = {
  now: () => Date.now(),
  setTimer(fn, delayMs) {
    // setTimeout overflows above 2^31-1 ms and would fire at once.
    const handle = setTimeout(fn, Math.min(Math.max(0, delayMs), 2_147_483_647));
    return () => clearTimeout(handle);
  },
};

/** A promise resolved after `delayMs` on `clock`, or at once when `signal` aborts. */
export function sleepOn(clock: MailClock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.setTimer(done, delayMs);
    signal?.addEventListener('abort', done, { once: true });
  });
}
