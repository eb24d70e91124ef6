/**
 * OTP/Akka-style restart decisions for one supervised child: restart type, exponential backoff
 * with jitter, and restart intensity. Pure bookkeeping over times passed in; the supervising
 * actor sets the timers.
 */

/** `permanent`: always restarted; `transient`: restarted only after a crash; `temporary`: never. */
export type RestartType = 'permanent' | 'transient' | 'temporary';

export interface BackoffSpec {
  /** First delay. */
  minMs: number;
  /** Largest delay before jitter. */
  maxMs: number;
  /** Extra random fraction added: delay * (1 + rand * jitter). 0 disables jitter. */
  jitter: number;
}

export interface IntensitySpec {
  /** More restarts than this within `withinMs` parks the child. */
  maxRestarts: number;
  withinMs: number;
}

/** How a child is supervised. */
export interface ChildSpec {
  restart: RestartType;
  backoff: BackoffSpec;
  intensity: IntensitySpec;
  /** A child that ran this long without failing starts its backoff from `minMs` again. */
  stableAfterMs: number;
  /** How long a parked child stays parked before it is given a fresh start. */
  parkMs: number;
}

/** What the supervisor should do about a child that exited. */
export type RestartDecision =
  | { action: 'restart'; delayMs: number; attempt: number }
  | { action: 'park'; untilMs: number }
  | { action: 'leave' };

/** Tracks one child's restarts. `random` is injectable so tests can fix the jitter. */
export class RestartPolicy {
  readonly spec: ChildSpec;
  readonly #random: () => number;
  /** Times of the restarts in the intensity window; made on the first restart (most children never restart). */
  #restartTimes: number[] | undefined;
  #consecutive = 0;
  #startedAt: number;

  constructor(spec: ChildSpec, startedAt: number, random: () => number = Math.random) {
    this.spec = spec;
    this.#startedAt = startedAt;
    this.#random = random;
  }

  /** Restarts counted in the current intensity window. */
  get recentRestarts(): number {
    return this.#restartTimes?.length ?? 0;
  }

  /** The child (re)started at `now`. */
  started(now: number): void {
    this.#startedAt = now;
  }

  /** Forget history, e.g. after a cool-down or an operator's restart. */
  reset(now: number): void {
    this.#restartTimes = undefined;
    this.#consecutive = 0;
    this.#startedAt = now;
  }

  /** The child exited at `now`, crashed or not. */
  onExit(crashed: boolean, now: number): RestartDecision {
    const { restart, intensity } = this.spec;
    if (restart === 'temporary' || (restart === 'transient' && !crashed)) return { action: 'leave' };
    if (now - this.#startedAt >= this.spec.stableAfterMs) this.#consecutive = 0;
    const recent = (this.#restartTimes ?? []).filter((t) => now - t < intensity.withinMs);
    this.#restartTimes = recent;
    if (recent.length >= intensity.maxRestarts) {
      return { action: 'park', untilMs: now + this.spec.parkMs };
    }
    recent.push(now);
    const attempt = this.#consecutive++;
    return { action: 'restart', delayMs: this.delayFor(attempt), attempt };
  }

  /** delay = min(max, min * 2^attempt) * (1 + rand * jitter) */
  delayFor(attempt: number): number {
    const { minMs, maxMs, jitter } = this.spec.backoff;
    const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
    return Math.round(base * (1 + this.#random() * jitter));
  }
}
