/**
 * The gate every AWS call of a tenant passes: one breaker per (tenant, service)
 * (service-breaker.ts), then one fair limiter (process-wide cap shared per tenant and per
 * service, per-tenant-service concurrency, a bounded share for suspect tenants), and a deadline
 * that aborts the call itself and frees its slot at once.
 */
import { AwsCallError, isAbortError, type AwsFailureKind } from '../domain/errors.js';
import { serviceConcurrency } from '../collectors/index.js';
import type { AwsService } from '../domain/gateway.js';
import { CallDeadlines } from './call-deadlines.js';
import type { Cancel, Scheduler } from './clock.js';
import type { BreakerState, HealthRegistry } from './health-registry.js';
import { FairLimiter, type CallOutcome } from './fair-limiter.js';
import { BreakerOpenError, CallTimeoutError } from './failure.js';
import { ServiceBreaker, type BucketEpoch } from './service-breaker.js';

export interface BreakerSettings {
  /** Percentage of failed calls in the rolling window that opens the breaker. Default 50. */
  errorThresholdPercentage: number;
  /** Calls in the window before the percentage counts. Default 4. */
  volumeThreshold: number;
  /** How long an open breaker waits before letting one trial call through. Default 5 min. */
  resetTimeoutMs: number;
  /**
   * Rolling window length. Default 30 min: a collector makes a few calls per run and runs
   * every 15 min, so a short window would never hold enough calls to judge.
   */
  rollingCountTimeoutMs: number;
  /** Buckets in the window. Default 10. */
  rollingCountBuckets: number;
  /** Deadline of one AWS call (after the SDK's own retries start). Default 30 s. */
  callTimeoutMs: number;
  /**
   * Counted failures in a row (throttled, transient) that open the breaker whatever the window
   * says. Default 5: after hours of healthy calls the 30-minute window holds dozens of successes,
   * so its percentage would take most of the window to cross 50 % when a service starts failing.
   */
  consecutiveFailures: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = {
  errorThresholdPercentage: 50,
  volumeThreshold: 4,
  resetTimeoutMs: 5 * 60_000,
  rollingCountTimeoutMs: 30 * 60_000,
  rollingCountBuckets: 10,
  callTimeoutMs: 30_000,
  consecutiveFailures: 5,
};

/**
 * The failures that say something about the service's health and so count against its breaker:
 * throttling and transient trouble (5xx, timeouts, network, an unparseable answer). A refused
 * identity, a denied operation, a disabled region, a feature not enabled or no data yet concern
 * one account's setup, not the service, and are filtered out.
 */
const BREAKER_KINDS: ReadonlySet<AwsFailureKind> = new Set(['throttled', 'transient']);

/** Per-tenant concurrent calls per service, from the collectors' descriptors (Cost Explorer: 1, billed per request). */
export const DEFAULT_SERVICE_CONCURRENCY: Record<AwsService, number> = serviceConcurrency();

/**
 * What all tenants share: the process-wide cap and one bucket clock for every breaker's rolling
 * window (DESIGN.md: per-breaker intervals burn a core at 30k breakers). A breaker reads the
 * epoch when it counts; nothing is done per breaker when the epoch moves.
 */
export class SharedAwsLimits implements BucketEpoch {
  readonly fair: FairLimiter;
  #epoch = 0;
  readonly settings: BreakerSettings;
  readonly serviceConcurrency: Record<AwsService, number>;
  readonly #scheduler: Scheduler;
  #cancelRotation: Cancel | undefined;

  constructor(
    scheduler: Scheduler,
    options: { maxInflight: number; breaker?: Partial<BreakerSettings>; serviceConcurrency?: Partial<Record<AwsService, number>>; suspectShare?: number },
  ) {
    this.#scheduler = scheduler;
    this.settings = { ...DEFAULT_BREAKER_SETTINGS, ...options.breaker };
    this.serviceConcurrency = { ...DEFAULT_SERVICE_CONCURRENCY, ...options.serviceConcurrency };
    this.fair = new FairLimiter({
      capacity: options.maxInflight,
      perTenantService: this.serviceConcurrency,
      ...(options.suspectShare !== undefined ? { suspectShare: options.suspectShare } : {}),
    });
    this.#rotate();
  }

  #rotate(): void {
    const period = Math.max(1, Math.round(this.settings.rollingCountTimeoutMs / this.settings.rollingCountBuckets));
    this.#cancelRotation = this.#scheduler.after(period, () => {
      this.#epoch++;
      this.#rotate();
    });
  }

  /** The current bucket of every breaker's rolling window. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Stop rotating (the scheduler's close does it too). */
  close(): void {
    this.#cancelRotation?.();
    this.fair.close();
  }
}

/** One tenant's gate to AWS. Created by the tenant actor, shut down when it stops. */
export class TenantAwsAccess {
  readonly #tenantId: string;
  readonly #shared: SharedAwsLimits;
  readonly #scheduler: Scheduler;
  readonly #registry: HealthRegistry;
  readonly #breakers = new Map<AwsService, ServiceBreaker>();

  constructor(tenantId: string, shared: SharedAwsLimits, scheduler: Scheduler, registry: HealthRegistry) {
    this.#tenantId = tenantId;
    this.#shared = shared;
    this.#scheduler = scheduler;
    this.#registry = registry;
  }

  /** The call deadlines of one run whose calls share `signal` (see CallDeadlines); the run closes them. */
  deadlines(signal: AbortSignal): CallDeadlines {
    return new CallDeadlines(this.#scheduler, this.#shared.settings.callTimeoutMs, signal);
  }

  /**
   * One call on its own: `fn` against `service`, through the breaker and both caps, aborted by
   * `signal` or at its deadline (its own signal aborts then, even if `fn` ignores it, the call
   * settles at once). Throws BreakerOpenError without calling when the breaker is open.
   */
  async call<T>(service: AwsService, signal: AbortSignal, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    signal.throwIfAborted();
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const deadlines = this.deadlines(controller.signal);
    try {
      return await this.callWithin(service, deadlines, fn);
    } finally {
      signal.removeEventListener('abort', onAbort);
      deadlines.close();
      if (deadlines.expired) controller.abort();
    }
  }

  /**
   * A call of a run: like `call`, with the run's deadlines (one timer and one abort listener for
   * all of the run's calls, instead of an AbortController, a timer and two listeners each).
   */
  async callWithin<T>(service: AwsService, deadlines: CallDeadlines, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = deadlines.signal;
    signal.throwIfAborted();
    const breaker = this.#breaker(service);
    if (!breaker.admit()) throw new BreakerOpenError(service);
    const registry = this.#registry;
    let value: T;
    try {
      value = await this.#shared.fair.run(
        this.#tenantId,
        service,
        signal,
        () => {
          signal.throwIfAborted();
          registry.awsCallMade(service);
          return deadlines.run(service, fn);
        },
        callOutcome,
      );
    } catch (error) {
      // Rejected credentials, client errors and aborts say nothing about the service's health.
      breaker.record(countsAgainstService(error) ? 'failure' : 'success');
      throw error;
    }
    breaker.record('success');
    return value;
  }

  /** The breakers' states, for the health registry. */
  states(): Partial<Record<AwsService, BreakerState>> {
    const out: Partial<Record<AwsService, BreakerState>> = {};
    for (const [service, breaker] of this.#breakers) out[service] = breaker.state;
    return out;
  }

  /** Release every breaker's listeners and timers. Idempotent. */
  shutdown(): void {
    for (const breaker of this.#breakers.values()) breaker.shutdown();
    this.#breakers.clear();
    this.#shared.fair.forget(this.#tenantId);
  }

  #breaker(service: AwsService): ServiceBreaker {
    let breaker = this.#breakers.get(service);
    if (breaker) return breaker;
    const tenantId = this.#tenantId;
    const registry = this.#registry;
    breaker = new ServiceBreaker(this.#shared.settings, this.#shared, this.#scheduler, (state) => registry.breakerChanged(tenantId, service, state));
    registry.breakerChanged(tenantId, service, 'closed');
    this.#breakers.set(service, breaker);
    return breaker;
  }
}

/** What a call's failure says about its tenant, for the fair limiter's suspect share. */
function callOutcome(error: unknown): CallOutcome {
  if (error instanceof CallTimeoutError) return 'suspect';
  if (error instanceof AwsCallError && BREAKER_KINDS.has(error.kind)) return 'suspect';
  return 'neutral';
}

/** Whether a failed call counts against its service's breaker: throttling and transient trouble, not aborts or one account's setup. */
function countsAgainstService(error: unknown): boolean {
  if (isAbortError(error)) return false;
  return !(error instanceof AwsCallError) || BREAKER_KINDS.has(error.kind);
}
