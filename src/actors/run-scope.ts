/**
 * What one collector run's AWS calls share: an abort signal and the calls' deadlines.
 *
 * The signal aborts when the run is stopped, and at the run's end if one of its calls outlived
 * its deadline (that request may still be running). Every call gets the same timeout, so the
 * deadlines of every run in the process come in start order: one FIFO ring for the whole process,
 * behind one scheduler timer, whose head is the next to expire. A call past its deadline is
 * rejected with CallTimeoutError at once, which frees its limiter slot even if the request ignores
 * its signal. When the run's signal aborts, every call still pending is rejected at once.
 *
 * Scopes are pooled. An AbortController with its signal cost ~3.4 us to make on the bench machine,
 * raising its listener limit another 2 us, and an abort listener on a fresh signal 3 us: per run,
 * more than the rest of the runtime's own bookkeeping. Each run also set a scheduler timer for its
 * deadlines that stayed in the timer heap for the 30 s timeout after it was cancelled (issue 14).
 * A scope goes back to the pool only when its run ended clean: not aborted, no call expired or
 * left pending, and no abort listener but its own (an SDK or store version that left one behind
 * would otherwise see a later run's abort).
 */
import { getEventListeners, setMaxListeners } from 'node:events';
import type { Scheduler, TimerHandle, TimerTarget } from './clock.js';
import { CallTimeoutError } from './failure.js';

interface PendingCall {
  at: number;
  service: string;
  settled: boolean;
  reject(reason: unknown): void;
  observer: CallObserver | undefined;
  tag: number;
}

/**
 * Told when a call made through `RunScope.run` settles, however it does (answer, failure,
 * deadline, abort), before its caller hears: the tenant's AWS access gives back the call's
 * limiter slot there. One object for every call, with a number of its own choosing (`tag`),
 * instead of two closures and a promise a call for each layer (issue 14).
 */
export interface CallObserver {
  /** `failed`: the call failed with `error` (else it succeeded). */
  callSettled(service: string, failed: boolean, error: unknown, tag: number): void;
}

/** Told when a run's scope closes (the tenant's AWS access counts its runs). */
export interface RunOwner {
  runClosed(): void;
}

/** Scopes kept for reuse at most; past it, closed scopes are left to the garbage collector. */
const POOL_LIMIT = 1024;

/** The process's call deadlines (one ring, one timer) and its pool of run scopes. */
export class RunScopes implements TimerTarget {
  readonly timeoutMs: number;
  readonly #scheduler: Scheduler;
  readonly #pool: RunScope[] = [];
  // The ring: parallel arrays, a power of two long, from #head (oldest) to #tail. An entry is a
  // scope and the generation it was registered in: a scope reused since has moved on.
  #owners: (RunScope | undefined)[] = new Array<RunScope | undefined>(1024).fill(undefined);
  #generations: number[] = new Array<number>(1024).fill(0);
  #ats: number[] = new Array<number>(1024).fill(0);
  #head = 0;
  #tail = 0;
  #timer: TimerHandle | undefined;

  constructor(scheduler: Scheduler, timeoutMs: number) {
    this.#scheduler = scheduler;
    this.timeoutMs = timeoutMs;
  }

  /** A scope for a new run (from the pool when one is free); `owner` is told when it closes. */
  open(owner?: RunOwner): RunScope {
    const scope = this.#pool.pop() ?? new RunScope(this, this.#scheduler);
    scope.reopen(owner);
    return scope;
  }

  /** Deadlines in the ring (for tests). */
  get queued(): number {
    return (this.#tail - this.#head) & (this.#owners.length - 1);
  }

  /** Scopes waiting for reuse (for tests). */
  get pooled(): number {
    return this.#pool.length;
  }

  /** Cancel the timer (the runtime is stopping; the scheduler's close does it too). */
  close(): void {
    this.#scheduler.cancel(this.#timer);
    this.#timer = undefined;
    this.#pool.length = 0;
  }

  /** @internal A clean scope's run ended: keep it for the next run. */
  recycle(scope: RunScope): void {
    if (this.#pool.length < POOL_LIMIT) this.#pool.push(scope);
  }

  /** @internal Call `scope.expireDue` at `at` unless the scope has moved on from `generation`. */
  add(scope: RunScope, generation: number, at: number): void {
    // Entries already settled (most: calls answer long before their deadline) leave the head as
    // new ones come, so the ring holds about the calls in flight, not every call of the timeout.
    this.#dropSettledHead();
    const mask = this.#owners.length - 1;
    if (((this.#tail + 1) & mask) === this.#head) this.#grow();
    const i = this.#tail;
    this.#owners[i] = scope;
    this.#generations[i] = generation;
    // In start order: a clock stepping back delays a deadline (to the latest queued) rather than
    // breaking the order.
    const last = this.#ats[(i - 1) & (this.#owners.length - 1)]!;
    this.#ats[i] = this.#head !== i && last > at ? last : at;
    this.#tail = (i + 1) & (this.#owners.length - 1);
    this.#timer ??= this.#scheduler.schedule(this.#ats[this.#head]!, this, 0);
  }

  /** The timer: expire what is due, then re-arm for the next live deadline. */
  onTimer(): void {
    this.#timer = undefined;
    const now = this.#scheduler.now();
    const mask = this.#owners.length - 1;
    while (this.#head !== this.#tail && this.#ats[this.#head]! <= now) {
      const i = this.#head;
      const scope = this.#owners[i]!;
      const generation = this.#generations[i]!;
      this.#owners[i] = undefined;
      this.#head = (i + 1) & mask;
      if (scope.generation === generation) scope.expireDue(now);
    }
    this.#dropSettledHead();
    if (this.#head !== this.#tail) this.#timer = this.#scheduler.schedule(this.#ats[this.#head]!, this, 0);
  }

  /** Drop head entries whose scope has moved on or has nothing pending. */
  #dropSettledHead(): void {
    const mask = this.#owners.length - 1;
    while (this.#head !== this.#tail) {
      const i = this.#head;
      const scope = this.#owners[i]!;
      if (scope.generation === this.#generations[i] && scope.hasPending) return;
      this.#owners[i] = undefined;
      this.#head = (i + 1) & mask;
    }
  }

  /** Double the ring, oldest first. */
  #grow(): void {
    const size = this.#owners.length;
    const owners = new Array<RunScope | undefined>(size * 2).fill(undefined);
    const generations = new Array<number>(size * 2).fill(0);
    const ats = new Array<number>(size * 2).fill(0);
    let n = 0;
    for (let i = this.#head; i !== this.#tail; i = (i + 1) & (size - 1), n++) {
      owners[n] = this.#owners[i];
      generations[n] = this.#generations[i]!;
      ats[n] = this.#ats[i]!;
    }
    this.#owners = owners;
    this.#generations = generations;
    this.#ats = ats;
    this.#head = 0;
    this.#tail = n;
  }
}

/** One run's signal and call deadlines (see the file's comment). Made by `RunScopes.open`. */
export class RunScope {
  /** Changes each time the scope is reused: deadlines registered before belong to an earlier run. */
  generation = 0;
  readonly #scopes: RunScopes;
  readonly #scheduler: Scheduler;
  readonly #controller: AbortController;
  #pending: PendingCall[] = [];
  #head = 0;
  #owner: RunOwner | undefined;
  #expired = false;
  #closed = false;
  #aborted = false;
  /** Listeners of the scope's own abort (the fair limiter's waiters), told after the pending calls. */
  #listeners: (() => void)[] = [];

  /** @internal */
  constructor(scopes: RunScopes, scheduler: Scheduler) {
    this.#scopes = scopes;
    this.#scheduler = scheduler;
    this.#controller = new AbortController();
    // A run's calls share its signal; the store writes in parallel batches, each listening.
    setMaxListeners(0, this.#controller.signal);
    this.#controller.signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** @internal Start a run in this scope. */
  reopen(owner: RunOwner | undefined): void {
    this.#owner = owner;
    this.#closed = false;
  }

  /** The run's signal: every call of the run gets it. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * Whether the run's signal aborted, and why: read here rather than on the signal, whose own map
   * makes every access to it miss V8's inline caches (see AbortSource in fair-limiter.ts).
   */
  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#aborted ? this.#controller.signal.reason : undefined;
  }

  /** Be told when the run aborts (AbortSource: the fair limiter waits on the scope, not the signal). */
  addEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.#listeners.indexOf(listener);
    if (i >= 0) this.#listeners.splice(i, 1);
  }

  /** True once a call of this run was rejected at its deadline: its request may still be running. */
  get expired(): boolean {
    return this.#expired;
  }

  /** @internal Whether a call of the current run is still pending. */
  get hasPending(): boolean {
    this.#drop();
    return this.#head < this.#pending.length;
  }

  /** Abort the run: every pending call is rejected with `reason` at once, and no new one starts. */
  abort(reason?: unknown): void {
    this.#controller.abort(reason);
  }

  /**
   * Make the call with the run's signal. Settles with the call, or rejects at its deadline
   * (CallTimeoutError) or when the run's signal aborts, whichever comes first; `observer` hears
   * of it first, with `tag`.
   */
  run<T>(service: string, action: (signal: AbortSignal) => Promise<T>, observer?: CallObserver, tag = 0): Promise<T> {
    if (this.#aborted) throw this.#controller.signal.reason;
    const signal = this.#controller.signal;
    return new Promise<T>((resolve, reject) => {
      const entry: PendingCall = { at: this.#scheduler.now() + this.#scopes.timeoutMs, service, settled: false, reject, observer, tag };
      this.#pending.push(entry);
      this.#scopes.add(this, this.generation, entry.at);
      let call: Promise<T>;
      try {
        call = action(signal);
      } catch (error) {
        entry.settled = true;
        observer?.callSettled(service, true, error, tag);
        reject(error);
        return;
      }
      call.then(
        (value) => {
          if (entry.settled) return;
          entry.settled = true;
          observer?.callSettled(service, false, undefined, tag);
          resolve(value);
        },
        (error: unknown) => {
          if (entry.settled) return;
          entry.settled = true;
          observer?.callSettled(service, true, error, tag);
          reject(error);
        },
      );
    });
  }

  /**
   * The run is over. If a call expired, the signal aborts (its request may still be running). A
   * clean scope goes back to the pool; a call still pending (none, unless a job left one behind)
   * keeps its deadline. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const owner = this.#owner;
    this.#owner = undefined;
    owner?.runClosed();
    if (this.#expired) this.#controller.abort();
    if (this.#aborted || this.hasPending || this.#listeners.length > 0 || getEventListeners(this.#controller.signal, 'abort').length !== 1) return;
    this.generation++;
    this.#scopes.recycle(this);
  }

  /** @internal The ring's timer: reject this run's calls whose deadline has passed. */
  expireDue(now: number): void {
    const timeoutMs = this.#scopes.timeoutMs;
    for (; this.#head < this.#pending.length; this.#head++) {
      const entry = this.#pending[this.#head]!;
      if (entry.settled) continue;
      if (entry.at > now) break;
      entry.settled = true;
      this.#expired = true;
      const error = new CallTimeoutError(entry.service, timeoutMs);
      entry.observer?.callSettled(entry.service, true, error, entry.tag);
      entry.reject(error);
    }
    this.#drop();
  }

  /** Drop settled calls from the head. */
  #drop(): void {
    const pending = this.#pending;
    while (this.#head < pending.length && pending[this.#head]!.settled) this.#head++;
    if (this.#head > 0 && this.#head >= pending.length) {
      pending.length = 0;
      this.#head = 0;
    }
  }

  readonly #onAbort = (): void => {
    this.#aborted = true;
    const reason: unknown = this.#controller.signal.reason;
    for (; this.#head < this.#pending.length; this.#head++) {
      const entry = this.#pending[this.#head]!;
      if (entry.settled) continue;
      entry.settled = true;
      entry.observer?.callSettled(entry.service, true, reason, entry.tag);
      entry.reject(reason);
    }
    this.#drop();
    for (const listener of this.#listeners.splice(0)) listener();
  };
}
