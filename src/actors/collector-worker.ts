/**
 * One incarnation of a collector: runs one job (metrics, cost, security, ...) for its tenant on
 * a schedule. It is plain state owned by its tenant actor, not an actor of its own: a tick starts
 * a run straight from its timer, with no mailbox in between (five nact actors a tenant cost
 * ~29 KB and a mailbox delivery per tick; issue 14).
 *
 * What an actor gave it, it keeps: runs never overlap (a tick only exists once the previous run
 * ended; a run-now arriving during a run is coalesced into one run after it); ticks follow a
 * phase derived from the tenant id, so 10k tenants spread over the interval and a restarted
 * collector keeps its slots; a bug in a run stops this incarnation and is reported to the tenant
 * (through `onCrash`), whose supervision restarts, backs off or parks it without touching its
 * siblings; `stop` aborts the run in flight.
 */
import type { Logger } from 'pino';
import type { Account, CollectorKind, TenantSettings } from '../domain/tenant.js';
import type { AwsService } from '../domain/gateway.js';
import type { AccountOutcome, CollectContext } from '../collectors/index.js';
import type { RunStatus } from '../domain/sink.js';
import type { TenantAwsAccess } from './aws-access.js';
import type { TimerHandle, TimerTarget } from './clock.js';
import { describeFailure } from './failure.js';
import type { ErrorInfo } from './health-registry.js';
import type { RunScope } from './run-scope.js';
import { isSetupState, mergeRunStatus } from './run-status.js';
import { SmallMap } from './small-map.js';
import { hash32, nextSlot, type RuntimeServices } from './services.js';

/** What a run was asked to do. */
interface RunRequest {
  force: boolean;
  /** Only these accounts (a new or updated account); undefined: every account. */
  accountIds?: readonly string[];
}

/** The parts of its tenant a collector reads at each run (owned and updated by the tenant actor). */
export interface TenantView {
  readonly tenantId: string;
  readonly access: TenantAwsAccess;
  activeAccounts(): readonly Account[];
  settings(): TenantSettings;
}

/**
 * What a tenant gives its collectors: one object shared by all of them. Per collector, a setup
 * object with its own crash and rejection closures cost ~0.3 KB (1.4 KB a tenant; issue 14), so
 * the callbacks take the collector instead.
 */
export interface CollectorHost {
  tenant: TenantView;
  services: RuntimeServices;
  /** The tenant's logger; a collector's child of it is made on first use. */
  log: Logger;
  onCredentialsRejected(accountId: string, info: ErrorInfo): void;
  /** A run's status for each account, after it was stored (the tenant tells owners of new problems). */
  onRunStatus?(status: RunStatus, previous: RunStatus | undefined): void;
  /** A run of `worker` hit a bug: that incarnation has stopped; its supervisor decides what comes next. */
  onCrash(worker: CollectorWorker, error: unknown): void;
}

export class CollectorWorker implements TimerTarget {
  readonly kind: CollectorKind;
  readonly #host: CollectorHost;
  #log: Logger | undefined;
  #token = 0;
  /** The pending tick: a scheduler entry that calls `onTimer` with its token. */
  #tick: TimerHandle | undefined;
  /** What jobs keep between runs (CollectContext.memory); made on first use, as three of the five kinds keep nothing. */
  #memory: Map<string, unknown> | undefined;
  /** The latest run status per account (loaded from the store once, then kept). */
  readonly #statuses = new SmallMap<string, RunStatus | undefined>();
  #lastStartAt = -Infinity;
  /** The scope of the run in flight, aborted by `stop`. */
  #run: RunScope | undefined;
  /** A run-now that arrived during a run: it runs right after (requests merged into one). */
  #queued: RunRequest | undefined;
  #stopped = false;
  /** The tenant's phase in every interval, from its id and kind (constant: hashed once). */
  readonly #phaseHash: number;

  /**
   * Create the incarnation and arm its first tick: within the startup spread, or at once when
   * `retryNow` (a restarted collector retries after its backoff instead of waiting for its slot).
   */
  constructor(host: CollectorHost, kind: CollectorKind, retryNow: boolean) {
    this.kind = kind;
    this.#host = host;
    const { services, tenant } = host;
    this.#phaseHash = hash32(`${tenant.tenantId}:${kind}`);
    const now = services.scheduler.now();
    const spread = services.startupSpreadMs > 0 ? hash32(`${tenant.tenantId}:${kind}:start`) % services.startupSpreadMs : 0;
    this.#schedule(retryNow ? now : now + spread);
  }

  /** Run at once: for `accountIds` only or every account; every step is due. Coalesced with a run in progress. */
  runNow(requestedAt: number, accountIds?: readonly string[]): void {
    if (this.#stopped || this.#host.services.stopping()) return;
    const request: RunRequest = { force: true, ...(accountIds ? { accountIds } : {}) };
    if (this.#run) {
      this.#queued = this.#queued ? merge(this.#queued, request) : request;
      return;
    }
    if (requestedAt < this.#lastStartAt) return; // a run started since covers it
    this.#start(request);
  }

  /** The interval changed: move the pending tick to the new schedule (a run in progress schedules at its end). */
  reschedule(): void {
    if (this.#stopped || this.#run) return;
    this.#schedule(this.#nextRun());
  }

  /** Stop this incarnation: no more ticks, and the run in flight is aborted. Idempotent. */
  stop(): void {
    this.#stopped = true;
    this.#queued = undefined;
    this.#cancelTick();
    this.#run?.abort();
  }

  get #logger(): Logger {
    return (this.#log ??= this.#host.log.child({ collector: this.kind }));
  }

  /** @internal For RunContext: the collector's logger (made on first use: a pino child is ~1 KB, and most runs never log). */
  runLogger(): Logger {
    return this.#logger;
  }

  /** @internal For RunContext: what the collector keeps between runs (made on first use, as three of the five kinds keep nothing). */
  runMemory(): Map<string, unknown> {
    return (this.#memory ??= new Map());
  }

  /** @internal For RunContext. */
  get host(): CollectorHost {
    return this.#host;
  }

  /** @internal For RunContext: the status the previous runs left for an account. */
  previousStatus(accountId: string): RunStatus | undefined {
    return this.#statuses.get(accountId);
  }

  #interval(): number {
    return this.#host.tenant.settings().intervalsMs?.[this.kind] ?? this.#host.services.intervalsMs[this.kind];
  }

  #nextRun(): number {
    const interval = this.#interval();
    return nextSlot(this.#host.services.scheduler.now(), this.#phaseHash % interval, interval);
  }

  #schedule(at: number): void {
    const { scheduler, registry } = this.#host.services;
    this.#cancelTick();
    registry.collectorScheduled(this.#host.tenant.tenantId, this.kind, at);
    this.#tick = scheduler.schedule(at, this, ++this.#token);
  }

  #cancelTick(): void {
    this.#host.services.scheduler.cancel(this.#tick);
    this.#tick = undefined;
  }

  /** The scheduler's call at a tick's time: runs unless a newer schedule or a stop superseded that tick. */
  onTimer(token: number): void {
    if (token !== this.#token) return; // superseded
    this.#tick = undefined;
    if (this.#stopped || this.#run || this.#host.services.stopping()) return;
    this.#start({ force: false });
  }

  /** Start a run; its end schedules the next tick or runs what was queued; a bug stops us. */
  #start(request: RunRequest): void {
    const { services } = this.#host;
    this.#cancelTick();
    // One scope per run (pooled): its signal aborts when the incarnation stops or the runtime's
    // stop deadline passes (the in-flight tracker), and at its end if one of its AWS calls
    // outlived its deadline (that request may still be running). Its calls share its deadlines.
    const scope = this.#host.tenant.access.openRun();
    this.#run = scope;
    const forget = services.inflight.abortable(scope);
    const ended = () => {
      forget();
      this.#run = undefined;
      scope.close();
    };
    this.#runWith(scope, request).then(
      () => {
        ended();
        const queued = this.#queued;
        this.#queued = undefined;
        if (queued && !this.#stopped && !services.stopping()) this.#start(queued);
      },
      (error: unknown) => {
        ended();
        if (this.#stopped) return;
        this.stop();
        this.#host.onCrash(this, error);
      },
    );
  }

  /** Load the stored status of accounts this incarnation has not seen since it started. */
  async #loadStatuses(accounts: readonly Account[], scope: RunScope): Promise<void> {
    const { services, tenant } = this.#host;
    for (const account of accounts) {
      if (this.#statuses.has(account.id)) continue;
      try {
        this.#statuses.set(account.id, await services.sink.getRunStatus(tenant.tenantId, account.id, this.kind, scope.signal));
      } catch (error) {
        if (scope.aborted) throw error;
        // Without it every step is simply due: a missed read costs at most one extra run.
        this.#logger.warn({ account: account.id, error: describeFailure(error, services.scheduler.now()) }, 'could not read run status');
      }
    }
  }

  /**
   * Wait for admission (a slot of the process-wide cap on runs, shared fairly), then run. While
   * it waits the collector is overdue (the fleet says it is behind) and no deadline runs: past
   * capacity, runs queue and cadences stretch rather than every run slowing down together.
   */
  async #runWith(scope: RunScope, request: RunRequest): Promise<void> {
    const { services, tenant } = this.#host;
    const kind = this.kind;
    try {
      await services.admission.run(tenant.tenantId, kind, scope, () => this.#runAdmitted(scope, request), () => 'neutral');
    } catch (error) {
      if (scope.aborted) return; // stopped while waiting (or during the run: nothing to record)
      throw error;
    }
  }

  async #runAdmitted(scope: RunScope, request: RunRequest): Promise<void> {
    const { services, tenant } = this.#host;
    const kind = this.kind;
    const { scheduler, registry } = services;
    const now = scheduler.now();
    this.#lastStartAt = now;
    const interval = this.#interval();
    // A run that outlasts its interval stretches the cadence: past now + interval it is overdue.
    registry.collectorRunStarted(tenant.tenantId, kind, now, now + interval);
    const only = request.accountIds ? new Set(request.accountIds) : undefined;
    const accounts = only ? tenant.activeAccounts().filter((a) => only.has(a.id)) : tenant.activeAccounts();
    const ctx = new RunContext(this, scope, accounts, now, interval, request.force);
    let outcomes: AccountOutcome[];
    try {
      await this.#loadStatuses(accounts, scope);
      outcomes = await services.inflight.track(services.jobs[kind](ctx));
    } catch (error) {
      if (scope.aborted) return; // stopping: nothing to record
      outcomes = [{ accountId: '*', steps: [], stored: false, error }];
    }
    if (scope.aborted) return;

    let firstError: ErrorInfo | undefined;
    let crash: unknown;
    const accountErrors: Record<string, ErrorInfo> = {};
    for (const outcome of outcomes) {
      // The account's own failure, else its first failed step that is not a steady setup state.
      const failure = outcome.error ?? outcome.steps.find((s) => s.error !== undefined && !isSetupState(s.error))?.error;
      if (failure !== undefined) {
        const info = describeFailure(failure, now);
        accountErrors[outcome.accountId] = info;
        firstError ??= info;
        if (info.kind === 'identity') this.#host.onCredentialsRejected(outcome.accountId, info);
      }
      if (outcome.error !== undefined && describeFailure(outcome.error, now).kind === 'bug') crash ??= outcome.error;
      for (const step of outcome.steps) {
        if (step.error !== undefined && describeFailure(step.error, now).kind === 'bug') crash ??= step.error;
      }
      const account = accounts.find((a) => a.id === outcome.accountId);
      if (account) await this.#storeStatus(account, outcome, now, scope);
    }
    if (scope.aborted) return;
    registry.collectorRunEnded(tenant.tenantId, kind, {
      startedAt: now,
      endedAt: scheduler.now(),
      nextDueAt: now + interval,
      ...(firstError ? { error: firstError } : {}),
      accountErrors,
      ...(request.accountIds ? { onlyAccounts: request.accountIds } : {}),
    });
    if (firstError) this.#logger.warn({ error: firstError }, 'collector run failed');
    if (crash !== undefined) throw crash; // a bug: let supervision restart us
    this.#schedule(this.#nextRun());
  }

  /** Merge a run's steps into the account's status and store it (best effort: data is already stored). */
  async #storeStatus(account: Account, outcome: AccountOutcome, now: number, scope: RunScope): Promise<void> {
    const { services, tenant } = this.#host;
    const kind = this.kind;
    const previous = this.#statuses.get(account.id);
    const status = mergeRunStatus(previous, { tenantId: tenant.tenantId, account, collector: kind, outcome, now });
    try {
      await services.sink.putRunStatus(status, previous, scope.signal);
      this.#statuses.set(account.id, status);
      this.#host.onRunStatus?.(status, previous);
    } catch (error) {
      if (scope.aborted) return;
      this.#logger.warn({ account: account.id, error: describeFailure(error, services.scheduler.now()) }, 'could not store run status');
    }
  }
}

/**
 * What a run gives its job (CollectContext): one object whose methods are on its prototype. As an
 * object literal it was six closures and two accessor pairs a run (issue 14).
 */
class RunContext implements CollectContext {
  readonly tenantId: string;
  readonly kind: CollectorKind;
  readonly accounts: readonly Account[];
  readonly settings: TenantSettings;
  readonly now: number;
  readonly intervalMs: number;
  readonly force: boolean;
  readonly signal: AbortSignal;
  readonly aws: CollectContext['aws'];
  readonly sink: CollectContext['sink'];
  readonly #worker: CollectorWorker;
  readonly #scope: RunScope;

  constructor(worker: CollectorWorker, scope: RunScope, accounts: readonly Account[], now: number, intervalMs: number, force: boolean) {
    const { tenant, services } = worker.host;
    this.tenantId = tenant.tenantId;
    this.kind = worker.kind;
    this.accounts = accounts;
    this.settings = tenant.settings();
    this.now = now;
    this.intervalMs = intervalMs;
    this.force = force;
    this.signal = scope.signal;
    this.aws = services.gateway;
    this.sink = services.sink;
    this.#worker = worker;
    this.#scope = scope;
  }

  call<T>(service: AwsService, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.#worker.host.tenant.access.callWithin(service, this.#scope, fn);
  }

  previous(accountId: string): RunStatus | undefined {
    return this.#worker.previousStatus(accountId);
  }

  get memory(): Map<string, unknown> {
    return this.#worker.runMemory();
  }

  get log(): Logger {
    return this.#worker.runLogger();
  }
}

/** Two run-now requests as one: every account if either asked for every account. */
function merge(a: RunRequest, b: RunRequest): RunRequest {
  if (!a.accountIds || !b.accountIds) return { force: true };
  return { force: true, accountIds: [...new Set([...a.accountIds, ...b.accountIds])] };
}
