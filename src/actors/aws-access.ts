/**
 * The gate every AWS call of a tenant passes: one opossum breaker per (tenant, service), then one
 * fair limiter (process-wide cap shared per tenant and per service, per-tenant-service
 * concurrency, a bounded share for suspect tenants), and a deadline that aborts the call itself
 * and frees its slot at once (opossum's own timeout would leave the request running).
 *
 * A breaker exists only while it has something to say. None is made for a service until one of
 * its calls fails in a way that counts (throttled, transient, timeout): healthy calls skip opossum
 * altogether (making and shutting down a breaker per run was a seventh of the runtime's CPU per
 * call in the steady interval, and most of its garbage; issue 14). The first counted failure
 * makes the breaker and records itself in it (fired as an action that rejects with that error,
 * the only way into opossum's window); calls after it go through the breaker. When the last run
 * of its tenant ends, a breaker that is closed with no counted failure in its window is shut
 * down and dropped. opossum costs ~5.5-7.5 KB an instance whatever its options (measured on
 * 10,000), so five a tenant kept for good were past issue 14's 20 KB a tenant on their own. What
 * the window misses are successes before its first failure, which only weigh against opening by
 * the percentage; failures in a row open it anyway. A service with no breaker is reported
 * `closed`.
 */
import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import { AwsCallError, isAbortError, type AwsFailureKind } from '../domain/errors.js';
import { serviceConcurrency } from '../collectors/index.js';
import type { AwsService } from '../domain/gateway.js';
import type { Cancel, Scheduler } from './clock.js';
import type { BreakerState, HealthRegistry } from './health-registry.js';
import { FairLimiter, type CallOutcome } from './fair-limiter.js';
import { BreakerOpenError, CallTimeoutError } from './failure.js';
import { hash32 } from './hash32.js';
import { RunScopes, type CallObserver, type RunOwner, type RunScope } from './run-scope.js';

/**
 * Breakers rotate on one of this many emitters (by tenant): opossum checks and removes its
 * listener by scanning the emitter's listener list, so one emitter for every breaker made
 * creating and shutting down breakers O(n) each (quadratic over the fleet).
 */
const ROTATION_EMITTERS = 64;

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
 * What all tenants share: the process-wide cap and one bucket-rotation clock for every
 * breaker (DESIGN.md: per-breaker intervals burn a core at 30k breakers).
 */
export class SharedAwsLimits {
  readonly fair: FairLimiter;
  readonly #rotations = Array.from({ length: ROTATION_EMITTERS }, () => new EventEmitter().setMaxListeners(0));
  readonly settings: BreakerSettings;
  readonly serviceConcurrency: Record<AwsService, number>;
  /** Every run's signal and call deadlines (one timer for the process, scopes pooled). */
  readonly scopes: RunScopes;
  readonly #scheduler: Scheduler;
  #cancelRotation: Cancel | undefined;

  constructor(
    scheduler: Scheduler,
    options: { maxInflight: number; breaker?: Partial<BreakerSettings>; serviceConcurrency?: Partial<Record<AwsService, number>>; suspectShare?: number },
  ) {
    this.#scheduler = scheduler;
    this.settings = { ...DEFAULT_BREAKER_SETTINGS, ...options.breaker };
    this.scopes = new RunScopes(scheduler, this.settings.callTimeoutMs);
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
      for (const rotation of this.#rotations) rotation.emit('rotate');
      this.#rotate();
    });
  }

  /** The bucket-rotation emitter of a tenant's breakers. */
  rotationFor(tenantId: string): EventEmitter {
    return this.#rotations[hash32(tenantId) % ROTATION_EMITTERS]!;
  }

  /** Stop rotating (the scheduler's close does it too). */
  close(): void {
    this.#cancelRotation?.();
    this.scopes.close();
    this.fair.close();
  }
}

type Fire = () => Promise<unknown>;
type Breaker = CircuitBreaker<[Fire], unknown>;

/** One tenant's gate to AWS. Created by the tenant actor, shut down when it stops. */
/** One bit per service, for TenantAwsAccess's `#reportedClosed`. */
const SERVICE_BIT: Record<AwsService, number> = { cloudwatch: 1, ce: 2, guardduty: 4, health: 8, securityhub: 16 };
/** A call's `tag` bits: its limiter slot counts against the suspect share; its failure is recorded in the breaker it makes. */
const SUSPECT_SLOT = 1;
const RECORD_FAILURE = 2;

export class TenantAwsAccess implements RunOwner, CallObserver {
  readonly #tenantId: string;
  readonly #shared: SharedAwsLimits;
  readonly #registry: HealthRegistry;
  /** Made with the first breaker: most tenants never have one (an empty Map is ~180 bytes). */
  #breakers: Map<AwsService, Breaker> | undefined;
  /** Runs (scopes) of this tenant not closed yet: healthy breakers are dropped at zero. */
  #runs = 0;
  /** Services (SERVICE_BIT) the registry was told are closed, since no breaker had been made. */
  #reportedClosed = 0;

  constructor(tenantId: string, shared: SharedAwsLimits, registry: HealthRegistry) {
    this.#tenantId = tenantId;
    this.#shared = shared;
    this.#registry = registry;
  }

  /** The scope of one run: its signal and its calls' deadlines (see RunScope). The run closes it. */
  openRun(): RunScope {
    this.#runs++;
    return this.#shared.scopes.open(this);
  }

  /** A run's scope closed (RunOwner). */
  runClosed(): void {
    if (--this.#runs === 0) this.#dropHealthy();
  }

  /**
   * One call on its own: `fn` against `service`, through the breaker and both caps, aborted by
   * `signal` or at its deadline (its own signal aborts then, even if `fn` ignores it, the call
   * settles at once). Throws BreakerOpenError without calling when the breaker is open.
   */
  async call<T>(service: AwsService, signal: AbortSignal, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    signal.throwIfAborted();
    const scope = this.openRun();
    const onAbort = () => scope.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.callWithin(service, scope, fn);
    } finally {
      signal.removeEventListener('abort', onAbort);
      scope.close();
    }
  }

  /**
   * A call of a run: like `call`, with the run's scope (its signal and deadlines, shared by all of
   * the run's calls, instead of an AbortController, a timer and two listeners each).
   */
  callWithin<T>(service: AwsService, scope: RunScope, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (scope.aborted) return Promise.reject(scope.reason);
    const breaker = this.#breakers?.get(service);
    if (!breaker) {
      // No breaker is a closed one (a dropped breaker was closed too): say so to the registry, once.
      const bit = SERVICE_BIT[service];
      if ((this.#reportedClosed & bit) === 0) {
        this.#registry.breakerChanged(this.#tenantId, service, 'closed');
        this.#reportedClosed |= bit;
      }
      return this.#attempt(service, scope, fn, RECORD_FAILURE);
    }
    return (breaker.fire(() => this.#attempt(service, scope, fn, 0)) as Promise<T>).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'EOPENBREAKER') throw new BreakerOpenError(service);
      throw error;
    });
  }

  /**
   * Take a slot of the fair limiter, then make the call in the run's scope. The scope tells us
   * when the call settles (`callSettled`, with the slot's mark and whether to record a failure in
   * the breaker in `tag`): one observer for every call instead of a chain of promises.
   */
  #attempt<T>(service: AwsService, scope: RunScope, fn: (signal: AbortSignal) => Promise<T>, tag: number): Promise<T> {
    const slot = this.#shared.fair.acquire(this.#tenantId, service, scope);
    if (typeof slot === 'boolean') return this.#callInSlot(service, scope, fn, slot ? tag | SUSPECT_SLOT : tag);
    return slot.then((suspect) => this.#callInSlot(service, scope, fn, suspect ? tag | SUSPECT_SLOT : tag));
  }

  #callInSlot<T>(service: AwsService, scope: RunScope, fn: (signal: AbortSignal) => Promise<T>, tag: number): Promise<T> {
    if (scope.aborted) {
      this.callSettled(service, true, scope.reason, tag);
      return Promise.reject(scope.reason);
    }
    this.#registry.awsCallMade(service);
    return scope.run(service, fn, this, tag);
  }

  /** A call settled (CallObserver): give its slot back, and count a failure made without a breaker in one. */
  callSettled(service: string, failed: boolean, error: unknown, tag: number): void {
    this.#shared.fair.release(this.#tenantId, service, failed ? callOutcome(error) : 'ok', (tag & SUSPECT_SLOT) !== 0);
    if (failed && (tag & RECORD_FAILURE) !== 0 && countsAgainstService(error)) this.#recordFailure(service as AwsService, error);
  }

  /** A call made without a breaker failed in a way that counts: make the breaker (if no other call has) and count the failure in it. */
  #recordFailure(service: AwsService, error: unknown): void {
    this.#breaker(service)
      .fire(() => Promise.reject(error))
      .catch(() => {});
  }

  /** The breakers' states, for the health registry. */
  states(): Partial<Record<AwsService, BreakerState>> {
    const out: Partial<Record<AwsService, BreakerState>> = {};
    for (const [service, breaker] of this.#breakers ?? []) out[service] = stateOf(breaker);
    return out;
  }

  /** Release every breaker's listeners and timers. Idempotent. */
  shutdown(): void {
    for (const breaker of this.#breakers?.values() ?? []) breaker.shutdown();
    this.#breakers = undefined;
    this.#shared.fair.forget(this.#tenantId);
  }

  /** Shut down and forget the breakers that are closed with no counted failure in their window. */
  #dropHealthy(): void {
    const breakers = this.#breakers;
    if (!breakers) return;
    for (const [service, breaker] of breakers) {
      if (!breaker.closed) continue;
      const stats = breaker.stats;
      if (stats.failures > 0 || stats.rejects > 0 || stats.timeouts > 0) continue;
      breaker.shutdown();
      breakers.delete(service);
    }
    if (breakers.size === 0) this.#breakers = undefined;
  }

  #breaker(service: AwsService): Breaker {
    let breaker = this.#breakers?.get(service);
    if (breaker) return breaker;
    const s = this.#shared.settings;
    breaker = new CircuitBreaker<[Fire], unknown>((fire) => fire(), {
      timeout: false,
      errorThresholdPercentage: s.errorThresholdPercentage,
      volumeThreshold: s.volumeThreshold,
      resetTimeout: s.resetTimeoutMs,
      rollingCountTimeout: s.rollingCountTimeoutMs,
      rollingCountBuckets: s.rollingCountBuckets,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      rotateBucketController: this.#shared.rotationFor(this.#tenantId),
      // Rejected credentials, client errors and aborts say nothing about the service's health.
      errorFilter: (error: unknown) => !countsAgainstService(error),
    } as CircuitBreaker.Options<[Fire]>);
    const update = () => this.#registry.breakerChanged(this.#tenantId, service, stateOf(breaker!));
    breaker.on('open', update);
    breaker.on('halfOpen', update);
    breaker.on('close', update);
    // Failures in a row open it at once, even after a healthy history (the window alone is slow then).
    // 'failure' is emitted only for errors the filter counts; 'success' also for filtered ones.
    let inARow = 0;
    breaker.on('success', () => {
      inARow = 0;
    });
    breaker.on('failure', () => {
      inARow += 1;
      if (inARow >= s.consecutiveFailures && breaker!.closed) breaker!.open();
    });
    breaker.on('close', () => {
      inARow = 0;
    });
    this.#registry.breakerChanged(this.#tenantId, service, 'closed');
    this.#reportedClosed &= ~SERVICE_BIT[service];
    (this.#breakers ??= new Map()).set(service, breaker);
    return breaker;
  }
}

function stateOf(breaker: Breaker): BreakerState {
  if (breaker.opened) return 'open';
  if (breaker.halfOpen) return 'halfOpen';
  return 'closed';
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
