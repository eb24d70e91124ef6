/**
 * The runtime's health as the rest of the service reads it: a read-only port. The supervision
 * runtime (src/actors) owns the registry and changes it only through named transitions; http,
 * /metrics and the operator view read snapshots through `WorkerHealthView` and never import
 * src/actors.
 */
import type { AwsFailureKind } from './errors.js';
import type { AwsService } from './gateway.js';
import type { AccountStatus, CollectorKind } from './tenant.js';

/** A collector's state; `backoff` waits for a restart, `parked` waits out a cool-down. */
export type CollectorState = 'idle' | 'running' | 'backoff' | 'parked' | 'stopped';
/** A tenant's state, as its shard supervises it. */
export type TenantState = 'running' | 'backoff' | 'parked' | 'stopped';
export type BreakerState = 'closed' | 'open' | 'halfOpen';

/** How a failure was classified; `bug` is anything that crashed an actor. */
export type FailureKind = AwsFailureKind | 'breaker_open' | 'timeout' | 'bug';

export interface ErrorInfo {
  kind: FailureKind;
  code: string;
  /** The IAM action a `permission` failure needs. */
  action?: string;
  /** A short, secret-free description. */
  message: string;
  at: number;
}

export interface CollectorHealth {
  state: CollectorState;
  restarts: number;
  runs: number;
  failures: Partial<Record<FailureKind, number>>;
  /** When the latest run started. */
  lastRunAt?: number;
  /** How long the latest finished run took, queueing for AWS capacity included. */
  lastDurationMs?: number;
  lastSuccessAt?: number;
  lastError?: ErrorInfo;
  /**
   * The latest run's failure per account (`*`: the run failed as a whole); an account that
   * succeeded is absent. Lets a tenant's healthy account not show its sibling's error.
   */
  accountErrors?: Record<string, ErrorInfo>;
  nextRunAt?: number;
  parkedUntil?: number;
  /**
   * The slot by which the next run should have started: the scheduled tick while idle, the
   * following slot while a run is in progress. Past it the collector is overdue (fleet lag).
   */
  dueAt?: number;
}

export interface AccountHealth {
  status: AccountStatus;
  reason?: string;
}

export interface TenantHealth {
  tenantId: string;
  state: TenantState;
  restarts: number;
  lastError?: ErrorInfo;
  parkedUntil?: number;
  collectors: Partial<Record<CollectorKind, CollectorHealth>>;
  accounts: Record<string, AccountHealth>;
  breakers: Partial<Record<AwsService, BreakerState>>;
}

/** Totals since start, for /metrics counters. */
export interface RuntimeCounters {
  collectorRuns: Record<CollectorKind, number>;
  /** Runs that ended after the next slot they owed had passed (their cadence stretched). */
  collectorRunsLate: Record<CollectorKind, number>;
  collectorFailures: Partial<Record<`${CollectorKind}:${FailureKind}`, number>>;
  collectorRestarts: number;
  tenantRestarts: number;
  awsCalls: Partial<Record<AwsService, number>>;
}

export interface WorkerFilter {
  tenantId?: string;
  /** Matches the tenant's state or any of its collectors' states. */
  state?: CollectorState | TenantState;
}

export interface WorkerSummary {
  tenants: Record<TenantState, number>;
  collectors: Record<CollectorState, number>;
}

/**
 * How far behind its cadences the fleet is. A collector is overdue when the slot its next run
 * owed has passed (idle with a tick not yet served, or a run still going past the next slot);
 * parked, backing-off and stopped collectors are not counted (their state says why).
 */
export interface FleetLag {
  /** How long the most overdue collector has been overdue (0: none). */
  oldestOverdueMs: number;
  /** Collectors overdue now, and how many were considered. */
  overdue: number;
  collectors: number;
  /** Share of the runs that ended in the recent window which ended late (0..1). */
  lateShare: number;
  /** Runs that ended in the recent window. */
  recentRuns: number;
  /** The fleet's verdict: enough work is late that cadences are stretching. */
  behind: boolean;
}

/** Fleet-level health, beside the per-tenant registry. */
export interface FleetHealth {
  lastReconcileAt?: number;
  lastReconcileError?: ErrorInfo;
  tenants: number;
}

/** Read-only access to worker health. Every answer is a copy: mutating it changes nothing. */
export interface WorkerHealthView {
  /** A snapshot of one tenant, or undefined when it does not run here. */
  get(tenantId: string): TenantHealth | undefined;
  /** A snapshot of one collector. */
  collector(tenantId: string, kind: CollectorKind): CollectorHealth | undefined;
  /** Tenants matching `filter`, as snapshots. */
  list(filter?: WorkerFilter): TenantHealth[];
  /** Tenants and collectors by state. */
  summary(): WorkerSummary;
  /** Totals since start. */
  counters(): RuntimeCounters;
  /** How far behind its cadences the fleet is, at the registry's clock. */
  lag(): FleetLag;
  /** The fleet's reconcile status. */
  fleet(): FleetHealth;
  /** Tenants known. */
  readonly size: number;
}
