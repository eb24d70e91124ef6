/**
 * A clock for tests and benchmarks: time moves only when `advance` is called. Between timers
 * it yields to the event loop so actor mailboxes (which run on setImmediate) and promise chains
 * settle before the next timer fires, as they would in real time.
 */
import type { Cancel, Clock } from './clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Yield to the event loop `rounds` times, letting immediates and microtasks run. */
export async function settle(rounds = 25): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(start = Date.UTC(2026, 10, 2, 0, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, delayMs: number): Cancel {
    const timer: Timer = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#timers.length;
  }

  /**
   * Move time forward by `ms`, firing due timers in order; after each instant's timers the
   * event loop is given `settleRounds` turns.
   */
  async advance(ms: number, settleRounds = 25): Promise<void> {
    const target = this.#now + ms;
    await settle(settleRounds);
    for (;;) {
      const next = this.#earliest();
      if (!next || next.at > target) break;
      this.#now = Math.max(this.#now, next.at);
      const due = this.#timers.filter((t) => t.at <= this.#now).sort((a, b) => a.at - b.at || a.seq - b.seq);
      this.#timers = this.#timers.filter((t) => t.at > this.#now);
      for (const timer of due) timer.fn();
      await settle(settleRounds);
    }
    this.#now = target;
  }

  #earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.#timers) if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }
}
