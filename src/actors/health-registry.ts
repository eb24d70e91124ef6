/**
 * What every tenant and collector is doing (DESIGN.md: health lives here, not in messages to the
 * root). The runtime is its only writer and changes it only through the named transitions below,
 * called by the actor that owns the state; everyone else reads snapshots through the
 * `WorkerHealthView` port (src/domain/worker-health.ts).
 */
import type { AwsService } from '../domain/gateway.js';
import type { AccountHealth, BreakerState, CollectorHealth, CollectorState, ErrorInfo, FleetHealth, FleetLag, RuntimeCounters, TenantHealth, TenantState, WorkerFilter, WorkerHealthView, WorkerSummary } from '../domain/worker-health.js';
import { COLLECTOR_KINDS, type CollectorKind } from '../domain/tenant.js';
import type { ChildState } from './supervised-child.js';

export type { AccountHealth, BreakerState, CollectorHealth, CollectorState, ErrorInfo, FailureKind, FleetHealth, FleetLag, RuntimeCounters, TenantHealth, TenantState, WorkerFilter, WorkerHealthView, WorkerSummary } from '../domain/worker-health.js';

/** How lateness is judged; see `lag()`. */
export interface LagSettings {
  /** Overdue by less than this is timer noise, not lag. Default 1 s. */
  graceMs: number;
  /** Late runs are counted over this sliding window (two halves). Default 10 min. */
  windowMs: number;
  /** Share of collectors overdue, or of recent runs late, from which the fleet is `behind`. Default 0.1. */
  behindShare: number;
  /** Fewer recent runs than this never make the fleet `behind` on the late share alone. Default 10. */
  minRuns: number;
}

export const DEFAULT_LAG_SETTINGS: LagSettings = { graceMs: 1_000, windowMs: 600_000, behindShare: 0.1, minRuns: 10 };

/** One finished collector run, as `collectorRunEnded` records it. */
export interface RunEnd {
  startedAt: number;
  endedAt: number;
  /** The slot the run owed before the next (its cadence); ending past it makes the run late. */
  nextDueAt: number;
  /** Undefined: the run succeeded. */
  error?: ErrorInfo;
  /** Failures per account of this run. */
  accountErrors: Record<string, ErrorInfo>;
  /** The run covered only these accounts: others keep their earlier errors. */
  onlyAccounts?: readonly string[];
}

/**
 * What a collector entry holds while nothing failed, shared by all of them (never written to:
 * replaced on change). Two empty objects per collector were ~0.56 KB a tenant (issue 14).
 */
const NO_FAILURES: CollectorHealth['failures'] = Object.freeze({});
const NO_ACCOUNT_ERRORS: Record<string, ErrorInfo> = Object.freeze({});

function isEmpty(record: object): boolean {
  for (const _ in record) return false;
  return true;
}

/** A collector's entry for readers: fields that are unset are absent, not undefined. */
const copyCollector = (c: CollectorHealth): CollectorHealth => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(c)) if (value !== undefined) out[key] = value;
  return {
    ...(out as unknown as CollectorHealth),
    failures: { ...c.failures },
    ...(c.lastError ? { lastError: { ...c.lastError } } : {}),
    ...(c.accountErrors ? { accountErrors: Object.fromEntries(Object.entries(c.accountErrors).map(([k, v]) => [k, { ...v }])) } : {}),
  };
};

const copyTenant = (t: TenantHealth): TenantHealth => ({
  ...t,
  ...(t.lastError ? { lastError: { ...t.lastError } } : {}),
  collectors: Object.fromEntries(Object.entries(t.collectors).map(([k, c]) => [k, copyCollector(c)])),
  accounts: Object.fromEntries(Object.entries(t.accounts).map(([k, a]) => [k, { ...a }])),
  breakers: { ...t.breakers },
});

export class HealthRegistry implements WorkerHealthView {
  readonly #tenants = new Map<string, TenantHealth>();
  /** Tenants removed and not started again (bounded by the tenants this instance ever ran). */
  readonly #removed = new Set<string>();
  readonly #now: () => number;
  readonly #lag: LagSettings;
  readonly #fleet: FleetHealth = { tenants: 0 };
  readonly #counters: RuntimeCounters = {
    collectorRuns: Object.fromEntries(COLLECTOR_KINDS.map((kind) => [kind, 0])) as Record<CollectorKind, number>,
    collectorRunsLate: Object.fromEntries(COLLECTOR_KINDS.map((kind) => [kind, 0])) as Record<CollectorKind, number>,
    collectorFailures: {},
    collectorRestarts: 0,
    tenantRestarts: 0,
    awsCalls: {},
  };
  /** Runs and late runs per half-window: [bucket index, runs, late]. */
  #buckets: [number, number, number][] = [];

  constructor(options: { now?: () => number; lag?: Partial<LagSettings> } = {}) {
    this.#now = options.now ?? Date.now;
    this.#lag = { ...DEFAULT_LAG_SETTINGS, ...options.lag };
  }

  // ---- read-only port -------------------------------------------------------------------

  get(tenantId: string): TenantHealth | undefined {
    const entry = this.#tenants.get(tenantId);
    return entry && copyTenant(entry);
  }

  collector(tenantId: string, kind: CollectorKind): CollectorHealth | undefined {
    const entry = this.#tenants.get(tenantId)?.collectors[kind];
    return entry && copyCollector(entry);
  }

  get size(): number {
    return this.#tenants.size;
  }

  list(filter: WorkerFilter = {}): TenantHealth[] {
    const out: TenantHealth[] = [];
    const entries = filter.tenantId ? [this.#tenants.get(filter.tenantId)] : this.#tenants.values();
    for (const entry of entries) {
      if (!entry) continue;
      if (filter.state && entry.state !== filter.state && !Object.values(entry.collectors).some((c) => c.state === filter.state)) continue;
      out.push(copyTenant(entry));
    }
    return out;
  }

  summary(): WorkerSummary {
    const tenants: Record<TenantState, number> = { running: 0, backoff: 0, parked: 0, stopped: 0 };
    const collectors: Record<CollectorState, number> = { idle: 0, running: 0, backoff: 0, parked: 0, stopped: 0 };
    for (const entry of this.#tenants.values()) {
      tenants[entry.state]++;
      for (const c of Object.values(entry.collectors)) collectors[c.state]++;
    }
    return { tenants, collectors };
  }

  /** The breaker state last recorded for the tenant's service, without copying the tenant (a hot path). */
  breakerState(tenantId: string, service: AwsService): BreakerState | undefined {
    return this.#tenants.get(tenantId)?.breakers[service];
  }

  counters(): RuntimeCounters {
    return structuredClone(this.#counters);
  }

  fleet(): FleetHealth {
    return { ...this.#fleet, ...(this.#fleet.lastReconcileError ? { lastReconcileError: { ...this.#fleet.lastReconcileError } } : {}) };
  }

  /** O(collectors): read at scrape and health-check time, never on a hot path. */
  lag(): FleetLag {
    const now = this.#now();
    const { graceMs, behindShare, minRuns } = this.#lag;
    let oldest = 0;
    let overdue = 0;
    let considered = 0;
    for (const tenant of this.#tenants.values()) {
      if (tenant.state !== 'running') continue;
      for (const c of Object.values(tenant.collectors)) {
        if ((c.state !== 'idle' && c.state !== 'running') || c.dueAt === undefined) continue;
        considered++;
        const late = now - c.dueAt;
        if (late > graceMs) {
          overdue++;
          if (late > oldest) oldest = late;
        }
      }
    }
    const [runs, late] = this.#recent(now);
    const lateShare = runs === 0 ? 0 : late / runs;
    const behind = (considered > 0 && overdue / considered >= behindShare) || (runs >= minRuns && lateShare >= behindShare);
    return { oldestOverdueMs: oldest, overdue, collectors: considered, lateShare, recentRuns: runs, behind };
  }

  // ---- named transitions (the runtime's actors only) ------------------------------------

  /** The shard (re)started the tenant's actor. */
  tenantStarted(tenantId: string): void {
    const entry = this.#tenant(tenantId, true);
    entry.state = 'running';
    delete entry.parkedUntil;
  }

  /** The tenant's supervision moved to `state` (after a crash, with the error). */
  tenantSupervised(tenantId: string, state: ChildState, error?: ErrorInfo): void {
    const entry = this.#tenant(tenantId);
    if (error) entry.lastError = error;
    entry.state = state.kind;
    if (state.kind === 'parked') entry.parkedUntil = state.until;
    else delete entry.parkedUntil;
    if (state.kind === 'backoff') {
      entry.restarts++;
      this.#counters.tenantRestarts++;
    }
  }

  /** The tenant no longer runs here. */
  tenantRemoved(tenantId: string): void {
    this.#tenants.delete(tenantId);
    this.#removed.add(tenantId);
  }

  /** The tenant's accounts as its actor now sees them. */
  accountsChanged(tenantId: string, accounts: Record<string, AccountHealth>): void {
    this.#tenant(tenantId).accounts = Object.fromEntries(Object.entries(accounts).map(([k, a]) => [k, { ...a }]));
  }

  /** A breaker of the tenant changed state (or was created, `closed`). */
  breakerChanged(tenantId: string, service: AwsService, state: BreakerState): void {
    this.#tenant(tenantId).breakers[service] = state;
  }

  /** A new incarnation of the collector started: not parked any more. */
  collectorStarted(tenantId: string, kind: CollectorKind): void {
    this.#collector(tenantId, kind).parkedUntil = undefined;
  }

  /** The collector's supervision moved to `state` (after a crash, with the error). */
  collectorSupervised(tenantId: string, kind: CollectorKind, state: ChildState, error?: ErrorInfo): void {
    const entry = this.#collector(tenantId, kind);
    if (error) entry.lastError = error;
    entry.dueAt = undefined;
    switch (state.kind) {
      case 'backoff':
        entry.state = 'backoff';
        entry.restarts++;
        entry.nextRunAt = state.until;
        entry.parkedUntil = undefined;
        this.#counters.collectorRestarts++;
        return;
      case 'parked':
        entry.state = 'parked';
        entry.parkedUntil = state.until;
        entry.nextRunAt = undefined;
        return;
      case 'stopped':
        entry.state = 'stopped';
        return;
      case 'running':
        return; // its schedule sets idle/running
    }
  }

  /** The collector stopped with its tenant; a newer incarnation's entry is left alone. */
  collectorStoppedWithTenant(tenantId: string, kind: CollectorKind, hadLiveChild: boolean): void {
    const entry = this.#tenants.get(tenantId)?.collectors[kind];
    if (entry && (hadLiveChild || entry.state === 'backoff' || entry.state === 'parked')) {
      entry.state = 'stopped';
      entry.dueAt = undefined;
    }
  }

  /** The collector waits for its next tick at `at`. */
  collectorScheduled(tenantId: string, kind: CollectorKind, at: number): void {
    const entry = this.#collector(tenantId, kind);
    entry.state = 'idle';
    entry.nextRunAt = at;
    entry.dueAt = at;
  }

  /** A run started at `at`; the run after it is owed at `nextDueAt`. */
  collectorRunStarted(tenantId: string, kind: CollectorKind, at: number, nextDueAt: number): void {
    const entry = this.#collector(tenantId, kind);
    entry.state = 'running';
    entry.lastRunAt = at;
    entry.dueAt = nextDueAt;
    entry.nextRunAt = undefined;
  }

  /** A run ended (success when `run.error` is undefined). */
  collectorRunEnded(tenantId: string, kind: CollectorKind, run: RunEnd): void {
    const entry = this.#collector(tenantId, kind);
    entry.runs++;
    entry.lastDurationMs = run.endedAt - run.startedAt;
    this.#counters.collectorRuns[kind]++;
    const late = run.endedAt - run.nextDueAt > this.#lag.graceMs;
    if (late) this.#counters.collectorRunsLate[kind]++;
    this.#countRecent(run.endedAt, late);
    if (run.error) {
      entry.lastError = run.error;
      // Copied on write: most entries keep the shared empty counts for good.
      entry.failures = { ...entry.failures, [run.error.kind]: (entry.failures[run.error.kind] ?? 0) + 1 };
      const key = `${kind}:${run.error.kind}` as const;
      this.#counters.collectorFailures[key] = (this.#counters.collectorFailures[key] ?? 0) + 1;
    } else {
      entry.lastSuccessAt = run.startedAt;
    }
    if (run.onlyAccounts) {
      const errors = { ...entry.accountErrors };
      for (const id of run.onlyAccounts) delete errors[id];
      entry.accountErrors = { ...errors, ...run.accountErrors };
    } else {
      // A run of every account replaces them all; a clean run (nearly all) shares one empty object.
      entry.accountErrors = isEmpty(run.accountErrors) ? NO_ACCOUNT_ERRORS : { ...run.accountErrors };
    }
  }

  /** One AWS call (or `count` of them) left for AWS. */
  awsCallMade(service: AwsService, count = 1): void {
    this.#counters.awsCalls[service] = (this.#counters.awsCalls[service] ?? 0) + count;
  }

  /** A reconcile finished (`error` undefined) or failed. */
  reconciled(at: number, result: { tenants: number } | { error: ErrorInfo }): void {
    if ('error' in result) {
      this.#fleet.lastReconcileError = result.error;
      return;
    }
    this.#fleet.lastReconcileAt = at;
    delete this.#fleet.lastReconcileError;
    this.#fleet.tenants = result.tenants;
  }

  // ---- internals ------------------------------------------------------------------------

  /**
   * The tenant's entry, created on first use. A late transition of a removed tenant (a collector
   * or breaker winding down after its lease moved to another instance) lands on a detached entry
   * instead of bringing the tenant back as "running"; only `tenantStarted` brings it back.
   */
  #tenant(tenantId: string, start = false): TenantHealth {
    if (start) this.#removed.delete(tenantId);
    let entry = this.#tenants.get(tenantId);
    if (!entry) {
      entry = { tenantId, state: 'running', restarts: 0, collectors: {}, accounts: {}, breakers: {} };
      if (!this.#removed.has(tenantId)) this.#tenants.set(tenantId, entry);
    }
    return entry;
  }

  #collector(tenantId: string, kind: CollectorKind): CollectorHealth {
    const tenant = this.#tenant(tenantId);
    let entry = tenant.collectors[kind];
    if (!entry) {
      // Every field from the start, unset ones undefined (never deleted): objects that gain and
      // lose properties go to dictionary mode (~0.4 KB more each, 5 a tenant). Readers get copies
      // without the undefined fields.
      entry = { state: 'idle', restarts: 0, runs: 0, failures: NO_FAILURES, lastRunAt: undefined, lastDurationMs: undefined, lastSuccessAt: undefined, lastError: undefined, accountErrors: undefined, nextRunAt: undefined, parkedUntil: undefined, dueAt: undefined };
      tenant.collectors[kind] = entry;
    }
    return entry;
  }

  #countRecent(at: number, late: boolean): void {
    const index = Math.floor(at / Math.max(1, this.#lag.windowMs / 2));
    let bucket = this.#buckets.find((b) => b[0] === index);
    if (!bucket) {
      bucket = [index, 0, 0];
      this.#buckets = [...this.#buckets.filter((b) => b[0] >= index - 1), bucket];
    }
    bucket[1]++;
    if (late) bucket[2]++;
  }

  #recent(now: number): [number, number] {
    const index = Math.floor(now / Math.max(1, this.#lag.windowMs / 2));
    let runs = 0;
    let late = 0;
    for (const [i, r, l] of this.#buckets) {
      if (i >= index - 1 && i <= index) {
        runs += r;
        late += l;
      }
    }
    return [runs, late];
  }
}
