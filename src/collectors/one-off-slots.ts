/**
 * Process-wide slots for the one-off fetches of a newly connected account: the 24-hour metric
 * backfill and the Cost Explorer history. Each holds far more data than a regular run (288 points
 * a metric; 90 days of costs by service and region) until its run stores it, and when many
 * accounts connect at once (a restart of a demo with 1,000 tenants) the fair limiter lets every one
 * of them progress together, so all of that was held at once: the heap grew past 3.8 GB in eight
 * minutes and the process ran out of memory. A run takes a slot only if one is free now and keeps
 * it until the run ends; a run that finds none does its regular steps and the one-off waits for a
 * later run (never blocks, so no run waits on another).
 */
export class OneOffSlots {
  readonly size: number;
  #free: number;

  constructor(size: number) {
    this.size = Math.max(1, Math.floor(size));
    this.#free = this.size;
  }

  /** Slots in use now. */
  get inUse(): number {
    return this.size - this.#free;
  }

  /** A slot if one is free now; call the returned function (idempotent) to give it back. */
  tryAcquire(): (() => void) | undefined {
    if (this.#free <= 0) return undefined;
    this.#free--;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#free++;
    };
  }
}

/** One-off fetches in progress at once, process-wide, by default. */
export const DEFAULT_ONE_OFF_SLOTS = 8;
