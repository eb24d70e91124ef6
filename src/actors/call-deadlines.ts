/**
 * The deadlines of one run's AWS calls, kept with one timer and one abort listener for the whole
 * run instead of an AbortController, a timer and two abort listeners per call (issue 14: they
 * were a fifth of the runtime's CPU per call).
 *
 * Every call gets the same timeout, so deadlines come in start order: a FIFO whose head is the
 * next to expire. The one timer is armed for the head's deadline and left armed when calls
 * settle (settled entries are dropped when it fires), so a run whose calls all answer in time
 * costs one timer. A call past its deadline is rejected with CallTimeoutError at once, which
 * frees its limiter slot even if the request ignores its signal; the requests themselves share
 * the run's signal, which the run aborts when it ends if any of its calls expired (`expired`).
 * When the run's signal aborts (stop), every call still pending is rejected at once.
 */
import type { Cancel, Scheduler } from './clock.js';
import { CallTimeoutError } from './failure.js';

interface PendingCall {
  at: number;
  service: string;
  settled: boolean;
  reject(reason: unknown): void;
}

export class CallDeadlines {
  readonly signal: AbortSignal;
  readonly #scheduler: Scheduler;
  readonly #timeoutMs: number;
  #queue: PendingCall[] = [];
  #head = 0;
  #timer: Cancel | undefined;
  #listening = false;
  #expired = false;
  #closed = false;

  readonly #onClose: (() => void) | undefined;

  /** `onClose`: called once, when the run closes them. */
  constructor(scheduler: Scheduler, timeoutMs: number, signal: AbortSignal, onClose?: () => void) {
    this.#scheduler = scheduler;
    this.#timeoutMs = timeoutMs;
    this.signal = signal;
    this.#onClose = onClose;
  }

  /** True once a call of this run was rejected at its deadline: its request may still be running. */
  get expired(): boolean {
    return this.#expired;
  }

  /**
   * Make the call with the run's signal. Settles with the call, or rejects at its deadline
   * (CallTimeoutError) or when the run's signal aborts, whichever comes first.
   */
  run<T>(service: string, action: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = this.signal;
    signal.throwIfAborted();
    if (!this.#listening) {
      this.#listening = true;
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    return new Promise<T>((resolve, reject) => {
      const entry: PendingCall = { at: this.#scheduler.now() + this.#timeoutMs, service, settled: false, reject };
      this.#queue.push(entry);
      this.#timer ??= this.#scheduler.at(entry.at, this.#due);
      let call: Promise<T>;
      try {
        call = action(signal);
      } catch (error) {
        entry.settled = true;
        reject(error);
        return;
      }
      call.then(
        (value) => {
          if (entry.settled) return;
          entry.settled = true;
          resolve(value);
        },
        (error: unknown) => {
          if (entry.settled) return;
          entry.settled = true;
          reject(error);
        },
      );
    });
  }

  /**
   * The run is over: release the timer and the listener. A call still pending (none, unless a job
   * left one behind) keeps its deadline: the timer stays until it expires.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose?.();
    if (this.#listening) this.signal.removeEventListener('abort', this.#onAbort);
    this.#listening = false;
    this.#drop();
    if (this.#head >= this.#queue.length) {
      this.#timer?.();
      this.#timer = undefined;
    }
  }

  /** Drop settled entries from the head. */
  #drop(): void {
    while (this.#head < this.#queue.length && this.#queue[this.#head]!.settled) this.#head++;
    if (this.#head >= this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    }
  }

  readonly #due = (): void => {
    this.#timer = undefined;
    const now = this.#scheduler.now();
    for (; this.#head < this.#queue.length; this.#head++) {
      const entry = this.#queue[this.#head]!;
      if (entry.settled) continue;
      if (entry.at > now) break;
      entry.settled = true;
      this.#expired = true;
      entry.reject(new CallTimeoutError(entry.service, this.#timeoutMs));
    }
    this.#drop();
    if (this.#head < this.#queue.length) this.#timer = this.#scheduler.at(this.#queue[this.#head]!.at, this.#due);
  };

  readonly #onAbort = (): void => {
    this.#listening = false;
    const reason: unknown = this.signal.reason;
    for (; this.#head < this.#queue.length; this.#head++) {
      const entry = this.#queue[this.#head]!;
      if (entry.settled) continue;
      entry.settled = true;
      entry.reject(reason);
    }
    this.#drop();
    this.#timer?.();
    this.#timer = undefined;
  };
}
