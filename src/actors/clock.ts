/**
 * The runtime's timers. Everything in `src/actors` reads time only through a Clock (see
 * src/domain/clock.ts), so tests drive backoff, intensity and intervals with a ManualClock.
 */

import type { Cancel, Clock } from '../domain/clock.js';

export { systemClock, type Cancel, type Clock } from '../domain/clock.js';

/**
 * Owns every timer the runtime sets, so stopping cancels them all at once and leaves none
 * behind (the process can exit by itself).
 */
export class Scheduler {
  readonly #clock: Clock;
  readonly #live = new Set<Cancel>();
  #closed = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  now(): number {
    return this.#clock.now();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Number of pending timers (for tests and the operator view). */
  get pending(): number {
    return this.#live.size;
  }

  /** Like Clock.setTimer, but refused (a no-op) once the scheduler is closed. */
  after(delayMs: number, fn: () => void): Cancel {
    if (this.#closed) return () => {};
    const cancel: Cancel = this.#clock.setTimer(() => {
      this.#live.delete(wrapped);
      fn();
    }, delayMs);
    const wrapped: Cancel = () => {
      this.#live.delete(wrapped);
      cancel();
    };
    this.#live.add(wrapped);
    return wrapped;
  }

  /** Run `fn` at absolute time `at`. */
  at(at: number, fn: () => void): Cancel {
    return this.after(at - this.#clock.now(), fn);
  }

  /** Cancel every pending timer and refuse new ones. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const cancel of [...this.#live]) cancel();
  }
}
