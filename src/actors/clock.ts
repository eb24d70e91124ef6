/**
 * The runtime's timers. Everything in `src/actors` reads time only through a Clock (see
 * src/domain/clock.ts), so tests drive backoff, intensity and intervals with a ManualClock.
 */

import type { Cancel, Clock } from '../domain/clock.js';

export { systemClock, type Cancel, type Clock } from '../domain/clock.js';

/**
 * What a timer set with `Scheduler.schedule` calls: a method of an object the caller already
 * has, with a number of its choosing (e.g. a token that tells a stale timer from the current one).
 */
export interface TimerTarget {
  onTimer(arg: number): void;
}

/** A timer set with `Scheduler.schedule`, to pass to `Scheduler.cancel`. */
export interface TimerHandle {
  readonly at: number;
}

interface Entry extends TimerHandle {
  at: number;
  seq: number;
  /** Undefined once fired or cancelled. */
  target: TimerTarget | undefined;
  arg: number;
}

/** The target of a timer set with a function (`after`, `at`). */
class CallbackTarget implements TimerTarget {
  readonly #fn: () => void;
  constructor(fn: () => void) {
    this.#fn = fn;
  }
  onTimer(): void {
    this.#fn();
  }
}

/** Entries before this many cancelled ones and at least half the queue are compacted away. */
const COMPACT_AFTER = 1024;

/**
 * Owns every timer the runtime sets, so stopping cancels them all at once and leaves none
 * behind (the process can exit by itself). Its timers are entries in one min-heap (by time,
 * then order of setting) behind a single clock timer armed for the earliest: 10,000 tenants arm
 * ~50,000 tick timers with distinct delays, and as Node timers each was a Timeout, its own
 * timer list and a priority-queue insert (~0.5 KB and a noticeable share of the spawn's CPU).
 * Entries due at the same time fire together, as the clock's timers did; entries a callback
 * sets for now fire on the clock's next turn, not in the same loop.
 *
 * With `slackMs` (timer slack, as Linux's `timerslack_ns` or a hashed wheel timer's tick), the
 * clock timer is armed for the end of the slot of `slackMs` holding the earliest entry, so every
 * entry due within one slot fires in one turn of the event loop, at most `slackMs` late and never
 * early. 10,000 tenants spread their ~400 runs a second over the interval, and each run woke the
 * loop by itself (~0.7 wakeups a call, each 34-96 us of CPU on the 2-core bench machine; issue 14).
 */
export class Scheduler {
  readonly #clock: Clock;
  readonly #slackMs: number;
  #heap: Entry[] = [];
  #seq = 0;
  #live = 0;
  #armedAt = Infinity;
  #cancelArmed: Cancel | undefined;
  #closed = false;

  /** `slackMs`: timers may fire up to this late so that timers close together share a turn (default 0: exact). */
  constructor(clock: Clock, options: { slackMs?: number } = {}) {
    const slackMs = options.slackMs ?? 0;
    if (!Number.isInteger(slackMs) || slackMs < 0) throw new RangeError(`slackMs must be an integer >= 0, not ${slackMs}`);
    this.#clock = clock;
    this.#slackMs = slackMs;
  }

  /** The time the clock timer is armed for when `at` is the earliest entry: the end of its slot. */
  #fireTime(at: number): number {
    const slack = this.#slackMs;
    return slack > 1 ? Math.ceil(at / slack) * slack : at;
  }

  now(): number {
    return this.#clock.now();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Number of pending timers (for tests and the operator view). */
  get pending(): number {
    return this.#live;
  }

  /** Like Clock.setTimer, but refused (a no-op) once the scheduler is closed. */
  after(delayMs: number, fn: () => void): Cancel {
    const entry = this.#add(this.#clock.now() + Math.max(0, delayMs), new CallbackTarget(fn), 0);
    return entry ? () => this.cancel(entry) : () => {};
  }

  /** Run `fn` at absolute time `at`. */
  at(at: number, fn: () => void): Cancel {
    return this.after(at - this.#clock.now(), fn);
  }

  /**
   * Call `target.onTimer(arg)` at absolute time `at` (or on the clock's next turn if that has
   * passed; with slack, at the end of its slot); undefined once the scheduler is closed. A collector's tick is one of these: the
   * entry is the whole cost, where `at` adds a callback, a cancel function and their contexts
   * (~0.2 KB a timer, five a tenant; issue 14).
   */
  schedule(at: number, target: TimerTarget, arg: number): TimerHandle | undefined {
    return this.#add(Math.max(at, this.#clock.now()), target, arg);
  }

  /** Cancel a timer set with `schedule` (nothing happens if it fired or was cancelled). */
  cancel(handle: TimerHandle | undefined): void {
    const entry = handle as Entry | undefined;
    if (entry?.target === undefined) return;
    entry.target = undefined;
    this.#live--;
    // The heap keeps the entry until its time (or a compaction); nothing else to undo.
    if (this.#heap.length > COMPACT_AFTER && this.#live * 2 < this.#heap.length) this.#compact();
  }

  #add(at: number, target: TimerTarget, arg: number): Entry | undefined {
    if (this.#closed) return undefined;
    const entry: Entry = { at, seq: this.#seq++, target, arg };
    this.#push(entry);
    this.#live++;
    if (this.#fireTime(entry.at) < this.#armedAt) this.#arm();
    return entry;
  }

  /** Cancel every pending timer and refuse new ones. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#cancelArmed?.();
    this.#cancelArmed = undefined;
    this.#armedAt = Infinity;
    for (const entry of this.#heap) entry.target = undefined;
    this.#heap = [];
    this.#live = 0;
  }

  /** Arm the one clock timer for the earliest live entry. */
  #arm(): void {
    this.#cancelArmed?.();
    this.#cancelArmed = undefined;
    this.#armedAt = Infinity;
    while (this.#heap.length > 0 && this.#heap[0]!.target === undefined) this.#pop();
    const head = this.#heap[0];
    if (!head || this.#closed) return;
    this.#armedAt = this.#fireTime(head.at);
    this.#cancelArmed = this.#clock.setTimer(this.#fire, this.#armedAt - this.#clock.now());
  }

  readonly #fire = (): void => {
    this.#cancelArmed = undefined;
    this.#armedAt = Infinity;
    const now = this.#clock.now();
    // What is due now, taken first: callbacks that set timers for now get the clock's next turn.
    const due: Entry[] = [];
    while (this.#heap.length > 0 && this.#heap[0]!.at <= now) {
      const entry = this.#pop();
      if (entry.target !== undefined) due.push(entry);
    }
    for (const entry of due) {
      if (this.#closed) return;
      const target = entry.target;
      if (target === undefined) continue; // cancelled by an earlier callback of this turn
      entry.target = undefined;
      this.#live--;
      target.onTimer(entry.arg);
    }
    if (this.#cancelArmed === undefined) this.#arm();
  };

  #compact(): void {
    this.#heap = this.#heap.filter((entry) => entry.target !== undefined);
    this.#heap.sort(before);
  }

  #push(entry: Entry): void {
    const heap = this.#heap;
    let i = heap.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (before(heap[parent]!, entry) <= 0) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  #pop(): Entry {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && before(heap[right]!, heap[left]!) < 0 ? right : left;
        if (before(heap[child]!, last) >= 0) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}

/** Heap order: earlier time first, then the order they were set. */
function before(a: Entry, b: Entry): number {
  return a.at - b.at || a.seq - b.seq;
}
