/**
 * Time for the mailer: `now()` and cancellable timers, injected so that tests of the send rate,
 * retries and the digest hour run on a simulated clock. The runtime's `ManualClock` fits.
 */

import { systemClock, type Cancel, type Clock } from '../domain/clock.js';

/** The mailer reads time through the shared Clock (src/domain/clock.ts). */
export type MailClock = Clock;
export type CancelTimer = Cancel;
export const systemMailClock: MailClock = systemClock;

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
