/**
 * What every actor of one runtime shares, passed down at spawn (no globals): time, health,
 * AWS limits, the gateway and sink, the jobs, and the stop machinery.
 */
import type { Logger } from 'pino';
import type { AwsGateway } from '../domain/gateway.js';
import type { ResultSink } from '../domain/sink.js';
import type { CollectorKind } from '../domain/tenant.js';
import type { CollectorJob } from '../collectors/index.js';
import type { SharedAwsLimits } from './aws-access.js';
import type { Scheduler } from './clock.js';
import type { FairLimiter } from './fair-limiter.js';
import type { HealthRegistry } from './health-registry.js';
import type { FacadeFaultHandler } from './nact-facade.js';
import type { ChildSpec } from './restart-policy.js';

export { hash32 } from './hash32.js';

/** What `InflightTracker.abortAll` aborts: an AbortController or a run's scope. */
export interface Abortable {
  abort(reason?: unknown): void;
}

/** Work in flight, so stop can wait for it (or abort it) within its deadline. */
export class InflightTracker {
  readonly #running = new Set<Promise<unknown>>();
  readonly #controllers = new Set<Abortable>();
  #aborted = false;

  /** Register a run's controller (or scope), aborted by `abortAll`; returns the unregister function. */
  abortable(controller: Abortable): () => void {
    if (this.#aborted) controller.abort();
    this.#controllers.add(controller);
    return () => this.#controllers.delete(controller);
  }

  /** Abort every registered run (stop's deadline passed). */
  abortAll(): void {
    this.#aborted = true;
    for (const controller of this.#controllers) controller.abort();
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.#running.add(work);
    const forget = () => this.#running.delete(work);
    work.then(forget, forget);
    return work;
  }

  get size(): number {
    return this.#running.size;
  }

  /** Resolves when everything in flight now has settled. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }
}

export interface RuntimeServices {
  readonly scheduler: Scheduler;
  readonly registry: HealthRegistry;
  readonly log: Logger;
  readonly limits: SharedAwsLimits;
  /** Admission of collector runs: a fair cap on runs in flight (service = collector kind). */
  readonly admission: FairLimiter;
  readonly gateway: AwsGateway;
  readonly sink: ResultSink;
  readonly jobs: Record<CollectorKind, CollectorJob>;
  readonly intervalsMs: Record<CollectorKind, number>;
  /** First runs after start are spread over this window (then they follow their phase). */
  readonly startupSpreadMs: number;
  readonly specs: { shard: ChildSpec; tenant: ChildSpec; collector: ChildSpec };
  readonly random: () => number;
  readonly inflight: InflightTracker;
  /** Aborted when stop's deadline passes (runs are aborted through `inflight`). */
  readonly abortAll: AbortSignal;
  readonly onFault: FacadeFaultHandler;
  /** True from the moment stop begins: no new ticks start. */
  stopping(): boolean;
}

/** The first time strictly after `now` that is `phase` modulo `interval`. */
export function nextSlot(now: number, phase: number, interval: number): number {
  const k = Math.floor((now - phase) / interval) + 1;
  return phase + k * interval;
}
