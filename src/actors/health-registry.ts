/**
 * What every tenant and collector is doing, updated synchronously by the actors and read by the
 * operator endpoint and /metrics (DESIGN.md: health lives here, not in messages to the root).
 */
import { COLLECTOR_KINDS } from '../collectors/index.js';
import type { AccountStatus, CollectorKind } from '../domain/tenant.js';
import type { AwsService } from '../domain/gateway.js';
import type { AwsFailureKind } from '../domain/errors.js';

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

export class HealthRegistry {
  readonly #tenants = new Map<string, TenantHealth>();
  readonly counters: RuntimeCounters = {
    collectorRuns: Object.fromEntries(COLLECTOR_KINDS.map((kind) => [kind, 0])) as Record<CollectorKind, number>,
    collectorFailures: {},
    collectorRestarts: 0,
    tenantRestarts: 0,
    awsCalls: {},
  };

  /** The tenant's entry, created in state `running` when missing. */
  tenant(tenantId: string): TenantHealth {
    let entry = this.#tenants.get(tenantId);
    if (!entry) {
      entry = { tenantId, state: 'running', restarts: 0, collectors: {}, accounts: {}, breakers: {} };
      this.#tenants.set(tenantId, entry);
    }
    return entry;
  }

  /** The collector's entry, created `idle` when missing. */
  collector(tenantId: string, kind: CollectorKind): CollectorHealth {
    const tenant = this.tenant(tenantId);
    let entry = tenant.collectors[kind];
    if (!entry) {
      entry = { state: 'idle', restarts: 0, runs: 0, failures: {} };
      tenant.collectors[kind] = entry;
    }
    return entry;
  }

  get(tenantId: string): TenantHealth | undefined {
    return this.#tenants.get(tenantId);
  }

  remove(tenantId: string): void {
    this.#tenants.delete(tenantId);
  }

  get size(): number {
    return this.#tenants.size;
  }

  /** A collector run that started at `at` ended at `endedAt`; `error` undefined means success. */
  recordRun(tenantId: string, kind: CollectorKind, at: number, endedAt: number, error?: ErrorInfo): void {
    const entry = this.collector(tenantId, kind);
    entry.runs++;
    entry.lastDurationMs = endedAt - at;
    this.counters.collectorRuns[kind]++;
    if (error) {
      entry.lastError = error;
      entry.failures[error.kind] = (entry.failures[error.kind] ?? 0) + 1;
      const key = `${kind}:${error.kind}` as const;
      this.counters.collectorFailures[key] = (this.counters.collectorFailures[key] ?? 0) + 1;
    } else {
      entry.lastSuccessAt = at;
    }
  }

  countAwsCall(service: AwsService): void {
    this.counters.awsCalls[service] = (this.counters.awsCalls[service] ?? 0) + 1;
  }

  /** Tenants matching `filter`, as plain copies safe to serialise. */
  list(filter: WorkerFilter = {}): TenantHealth[] {
    const out: TenantHealth[] = [];
    const entries = filter.tenantId ? [this.#tenants.get(filter.tenantId)] : this.#tenants.values();
    for (const entry of entries) {
      if (!entry) continue;
      if (filter.state && entry.state !== filter.state && !Object.values(entry.collectors).some((c) => c.state === filter.state)) {
        continue;
      }
      out.push(structuredClone(entry));
    }
    return out;
  }

  /** Tenants and collectors by state, for /metrics and /ops/health. */
  summary(): { tenants: Record<TenantState, number>; collectors: Record<CollectorState, number> } {
    const tenants: Record<TenantState, number> = { running: 0, backoff: 0, parked: 0, stopped: 0 };
    const collectors: Record<CollectorState, number> = { idle: 0, running: 0, backoff: 0, parked: 0, stopped: 0 };
    for (const entry of this.#tenants.values()) {
      tenants[entry.state]++;
      for (const c of Object.values(entry.collectors)) collectors[c.state]++;
    }
    return { tenants, collectors };
  }
}
