/**
 * A circuit breaker for one (tenant, AWS service), with opossum's semantics as this runtime used
 * them (errorThresholdPercentage, volumeThreshold, resetTimeout, a rolling count window in
 * buckets, an error filter, one trial call when half-open) plus a run of consecutive failures
 * that opens it at once. It replaces opossum because a tenant holds five and opossum's floor is
 * ~5.5 KB an instance whatever its options (an EventEmitter with ~15 event types of listeners,
 * a Status emitter, a copied options object, a semaphore; 7.5 KB with its 10 bucket objects),
 * which alone is past issue 14's 20 KB a tenant. Here a breaker is a few numbers and a 2 x
 * buckets Int32Array, made on its first call; its window rotates on a shared epoch (no listener
 * or timer per breaker, so idle breakers cost no CPU); its reset timer is the runtime's Scheduler
 * (tests drive it with the ManualClock).
 */
import type { BreakerState } from '../domain/worker-health.js';
import type { Cancel, Scheduler } from './clock.js';

/** What the breaker needs of its settings (see BreakerSettings in aws-access.ts for defaults). */
export interface ServiceBreakerOptions {
  errorThresholdPercentage: number;
  volumeThreshold: number;
  resetTimeoutMs: number;
  rollingCountBuckets: number;
  consecutiveFailures: number;
}

/** The bucket clock all breakers share: the current bucket's number, advanced every window / buckets. */
export interface BucketEpoch {
  readonly epoch: number;
}

/** How a call ended, for the breaker: `failure` counts against the service; a filtered error is a `success`, as with opossum's errorFilter. */
export type CallVerdict = 'success' | 'failure';

export class ServiceBreaker {
  #state: BreakerState = 'closed';
  /** Half-open: the one trial call has been let through. */
  #trialTaken = false;
  #inARow = 0;
  /** Per bucket [fires, failures], ring-indexed by epoch modulo buckets; made on the first call. */
  #window: Int32Array | undefined;
  #windowEpoch = 0;
  #cancelReset: Cancel | undefined;
  readonly #options: ServiceBreakerOptions;
  readonly #epoch: BucketEpoch;
  readonly #scheduler: Scheduler;
  readonly #onChange: (state: BreakerState) => void;

  constructor(options: ServiceBreakerOptions, epoch: BucketEpoch, scheduler: Scheduler, onChange: (state: BreakerState) => void) {
    this.#options = options;
    this.#epoch = epoch;
    this.#scheduler = scheduler;
    this.#onChange = onChange;
  }

  get state(): BreakerState {
    return this.#state;
  }

  /**
   * A call wants through: true to make it (counted as fired), false to reject it at once (open,
   * or half-open with its trial call already out). Every request counts as a fire, as in opossum.
   */
  admit(): boolean {
    const window = this.#current();
    const bucket = (this.#windowEpoch % this.#options.rollingCountBuckets) * 2;
    window[bucket]! += 1;
    if (this.#state === 'closed') return true;
    if (this.#state === 'halfOpen' && !this.#trialTaken) {
      this.#trialTaken = true;
      return true;
    }
    return false;
  }

  /** An admitted call ended. */
  record(verdict: CallVerdict): void {
    if (verdict === 'success') {
      this.#inARow = 0;
      if (this.#state === 'halfOpen') this.#close();
      return;
    }
    const window = this.#current();
    window[(this.#windowEpoch % this.#options.rollingCountBuckets) * 2 + 1]! += 1;
    this.#inARow += 1;
    if (this.#state === 'halfOpen') return this.#open();
    if (this.#state !== 'closed') return;
    // Failures in a row open it at once, even after a healthy history (the window alone is slow then).
    if (this.#inARow >= this.#options.consecutiveFailures) return this.#open();
    let fires = 0;
    let failures = 0;
    for (let i = 0; i < window.length; i += 2) {
      fires += window[i]!;
      failures += window[i + 1]!;
    }
    if (fires < this.#options.volumeThreshold) return;
    if ((failures / fires) * 100 > this.#options.errorThresholdPercentage) this.#open();
  }

  /** Cancel the reset timer (the tenant stopped). Idempotent. */
  shutdown(): void {
    this.#cancelReset?.();
    this.#cancelReset = undefined;
  }

  /** The window as of the current epoch: buckets that rotated out since the last call are cleared. */
  #current(): Int32Array {
    const buckets = this.#options.rollingCountBuckets;
    const epoch = this.#epoch.epoch;
    if (!this.#window) {
      this.#window = new Int32Array(buckets * 2);
      this.#windowEpoch = epoch;
      return this.#window;
    }
    const window = this.#window;
    const passed = epoch - this.#windowEpoch;
    if (passed >= buckets) window.fill(0);
    else {
      for (let e = this.#windowEpoch + 1; e <= epoch; e++) {
        const i = (e % buckets) * 2;
        window[i] = 0;
        window[i + 1] = 0;
      }
    }
    this.#windowEpoch = epoch;
    return window;
  }

  #open(): void {
    this.#state = 'open';
    this.#trialTaken = false;
    this.#cancelReset?.();
    this.#cancelReset = this.#scheduler.after(this.#options.resetTimeoutMs, () => {
      this.#cancelReset = undefined;
      this.#state = 'halfOpen';
      this.#trialTaken = false;
      this.#onChange('halfOpen');
    });
    this.#onChange('open');
  }

  #close(): void {
    this.#cancelReset?.();
    this.#cancelReset = undefined;
    this.#state = 'closed';
    this.#trialTaken = false;
    this.#inARow = 0;
    this.#onChange('closed');
  }
}
