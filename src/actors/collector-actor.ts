/**
 * A collector actor: runs one job (metrics, cost or security) for its tenant on a schedule.
 * Ticks follow a phase derived from the tenant id, so 10k tenants spread over the interval and
 * a restarted collector keeps its slots; runs never overlap (one message at a time, and a tick
 * only exists once the previous run ended); stop aborts the run in flight.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Account, CollectorKind, TenantSettings } from '../domain/tenant.js';
import type { AccountOutcome, CollectContext } from '../collectors/index.js';
import type { RunStatus } from '../domain/sink.js';
import type { TenantAwsAccess } from './aws-access.js';
import type { Cancel } from './clock.js';
import { describeFailure } from './failure.js';
import type { ErrorInfo } from './health-registry.js';
import { dispatch, spawnActor, type ActorRef, type ParentRef } from './nact-facade.js';
import { isSetupState, mergeRunStatus } from './run-status.js';
import { hash32, nextSlot, type RuntimeServices } from './services.js';

/** What a run was asked to do. */
interface RunRequest {
  force: boolean;
  accountIds?: readonly string[];
}

export type CollectorMessage =
  | { type: 'tick'; token: number }
  /** Run at once: for `accountIds` only (a new or updated account) or every account; every step is due. */
  | { type: 'run-now'; requestedAt: number; accountIds?: readonly string[] }
  /** The interval changed: move the pending tick to the new schedule. */
  | { type: 'reschedule' };

/** The parts of its tenant a collector reads at each run (owned and updated by the tenant actor). */
export interface TenantView {
  readonly tenantId: string;
  readonly access: TenantAwsAccess;
  activeAccounts(): readonly Account[];
  settings(): TenantSettings;
}

export interface CollectorSetup {
  kind: CollectorKind;
  tenant: TenantView;
  /** A restarted collector retries at once (after its backoff) instead of waiting for its slot. */
  retryNow: boolean;
  services: RuntimeServices;
  log: Logger;
  onCredentialsRejected(accountId: string, info: ErrorInfo): void;
  /** A run's status for each account, after it was stored (the tenant tells owners of new problems). */
  onRunStatus?(status: RunStatus, previous: RunStatus | undefined): void;
  onCrash(error: unknown): void;
}

interface CollectorState {
  controller: AbortController;
  token: number;
  cancelTick: Cancel | undefined;
  memory: Map<string, unknown>;
  lastStartAt: number;
  /** The latest run status per account (loaded from the store once, then kept). */
  statuses: Map<string, RunStatus | undefined>;
}

/** Spawn the collector named after its kind under its tenant. */
export function spawnCollector(parent: ParentRef, setup: CollectorSetup): ActorRef<CollectorMessage> {
  const { kind, tenant, services } = setup;
  const { scheduler, registry } = services;
  const interval = () => tenant.settings().intervalsMs?.[kind] ?? services.intervalsMs[kind];

  const nextRun = () => nextSlot(scheduler.now(), hash32(`${tenant.tenantId}:${kind}`) % interval(), interval());

  const schedule = (state: CollectorState, self: ActorRef<CollectorMessage>, at: number) => {
    state.cancelTick?.();
    const token = ++state.token;
    registry.collectorScheduled(tenant.tenantId, kind, at);
    state.cancelTick = scheduler.at(at, () => dispatch(self, { type: 'tick', token }));
  };

  const run = async (state: CollectorState, self: ActorRef<CollectorMessage>, request: RunRequest): Promise<void> => {
    state.cancelTick?.();
    const now = scheduler.now();
    state.lastStartAt = now;
    // A run that outlasts its interval stretches the cadence: past now + interval it is overdue.
    registry.collectorRunStarted(tenant.tenantId, kind, now, now + interval());
    // One controller per run, aborted when the collector stops (its own controller) or the
    // runtime's stop deadline passes (the in-flight tracker). Not AbortSignal.any: it would
    // hang a listener per run on one shared signal, and 30k of them cost O(n) per removal.
    const runController = new AbortController();
    // A run's calls share its signal; the store writes in parallel batches, each listening.
    setMaxListeners(0, runController.signal);
    const abortRun = () => runController.abort();
    state.controller.signal.addEventListener('abort', abortRun, { once: true });
    const forget = services.inflight.abortable(runController);
    try {
      await runWith(runController.signal, now, state, self, request);
    } finally {
      state.controller.signal.removeEventListener('abort', abortRun);
      forget();
    }
  };

  /** Load the stored status of accounts this collector has not seen since it started. */
  const loadStatuses = async (state: CollectorState, accounts: readonly Account[], signal: AbortSignal) => {
    for (const account of accounts) {
      if (state.statuses.has(account.id)) continue;
      try {
        state.statuses.set(account.id, await services.sink.getRunStatus(tenant.tenantId, account.id, kind, signal));
      } catch (error) {
        if (signal.aborted) throw error;
        // Without it every step is simply due: a missed read costs at most one extra run.
        setup.log.warn({ account: account.id, error: describeFailure(error, scheduler.now()) }, 'could not read run status');
      }
    }
  };

  const runWith = async (signal: AbortSignal, now: number, state: CollectorState, self: ActorRef<CollectorMessage>, request: RunRequest): Promise<void> => {
    const only = request.accountIds ? new Set(request.accountIds) : undefined;
    const accounts = only ? tenant.activeAccounts().filter((a) => only.has(a.id)) : tenant.activeAccounts();
    const ctx: CollectContext = {
      tenantId: tenant.tenantId,
      kind,
      accounts,
      settings: tenant.settings(),
      now,
      intervalMs: interval(),
      force: request.force,
      signal,
      aws: services.gateway,
      call: (service, fn) => tenant.access.call(service, signal, fn),
      sink: services.sink,
      previous: (accountId) => state.statuses.get(accountId),
      memory: state.memory,
      log: setup.log,
    };
    let outcomes: AccountOutcome[];
    try {
      await loadStatuses(state, accounts, signal);
      outcomes = await services.inflight.track(services.jobs[kind](ctx));
    } catch (error) {
      if (signal.aborted) return; // stopping: nothing to record
      outcomes = [{ accountId: '*', steps: [], stored: false, error }];
    }
    if (signal.aborted) return;

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
        if (info.kind === 'identity') setup.onCredentialsRejected(outcome.accountId, info);
      }
      for (const error of [outcome.error, ...outcome.steps.map((s) => s.error)]) {
        if (error !== undefined && describeFailure(error, now).kind === 'bug') crash ??= error;
      }
      const account = accounts.find((a) => a.id === outcome.accountId);
      if (account) await storeStatus(state, account, outcome, now, signal);
    }
    if (signal.aborted) return;
    registry.collectorRunEnded(tenant.tenantId, kind, {
      startedAt: now,
      endedAt: scheduler.now(),
      nextDueAt: now + interval(),
      ...(firstError ? { error: firstError } : {}),
      accountErrors,
      ...(request.accountIds ? { onlyAccounts: request.accountIds } : {}),
    });
    if (firstError) setup.log.warn({ error: firstError }, 'collector run failed');
    if (crash !== undefined) throw crash; // a bug: let supervision restart us
    schedule(state, self, nextRun());
  };

  /** Merge a run's steps into the account's status and store it (best effort: data is already stored). */
  const storeStatus = async (state: CollectorState, account: Account, outcome: AccountOutcome, now: number, signal: AbortSignal) => {
    const previous = state.statuses.get(account.id);
    const status = mergeRunStatus(previous, { tenantId: tenant.tenantId, account, collector: kind, outcome, now });
    try {
      await services.sink.putRunStatus(status, previous, signal);
      state.statuses.set(account.id, status);
      setup.onRunStatus?.(status, previous);
    } catch (error) {
      if (signal.aborted) return;
      setup.log.warn({ account: account.id, error: describeFailure(error, scheduler.now()) }, 'could not store run status');
    }
  };

  return spawnActor<CollectorState, CollectorMessage>(
    parent,
    kind,
    {
      init(self) {
        const state: CollectorState = {
          controller: new AbortController(),
          token: 0,
          cancelTick: undefined,
          memory: new Map(),
          lastStartAt: -Infinity,
          statuses: new Map(),
        };
        const now = scheduler.now();
        const spread = services.startupSpreadMs > 0 ? hash32(`${tenant.tenantId}:${kind}:start`) % services.startupSpreadMs : 0;
        schedule(state, self, setup.retryNow ? now : now + spread);
        return state;
      },
      async receive(state, message, self) {
        if (services.stopping()) return state;
        if (message.type === 'reschedule') {
          schedule(state, self, nextRun());
          return state;
        }
        if (message.type === 'tick' && message.token !== state.token) return state; // superseded
        if (message.type === 'run-now' && message.requestedAt < state.lastStartAt) return state; // coalesced
        await run(state, self, message.type === 'run-now' ? { force: true, ...(message.accountIds ? { accountIds: message.accountIds } : {}) } : { force: false });
        return state;
      },
      onCrash: (error) => setup.onCrash(error),
      onStop(state) {
        state?.cancelTick?.();
        state?.controller.abort();
      },
    },
    services.onFault,
  );
}
