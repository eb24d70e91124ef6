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
import type { TenantAwsAccess } from './aws-access.js';
import type { Cancel } from './clock.js';
import { describeFailure } from './failure.js';
import type { ErrorInfo } from './health-registry.js';
import { dispatch, spawnActor, type ActorRef, type ParentRef } from './nact-facade.js';
import { hash32, nextSlot, type RuntimeServices } from './services.js';

export type CollectorMessage =
  | { type: 'tick'; token: number }
  | { type: 'run-now'; requestedAt: number }
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
  onCrash(error: unknown): void;
}

interface CollectorState {
  controller: AbortController;
  token: number;
  cancelTick: Cancel | undefined;
  memory: Map<string, unknown>;
  lastStartAt: number;
}

/** Spawn the collector named after its kind under its tenant. */
export function spawnCollector(parent: ParentRef, setup: CollectorSetup): ActorRef<CollectorMessage> {
  const { kind, tenant, services } = setup;
  const { scheduler, registry } = services;
  const health = () => registry.collector(tenant.tenantId, kind);
  const interval = () => tenant.settings().intervalsMs?.[kind] ?? services.intervalsMs[kind];

  const nextRun = () => nextSlot(scheduler.now(), hash32(`${tenant.tenantId}:${kind}`) % interval(), interval());

  const schedule = (state: CollectorState, self: ActorRef<CollectorMessage>, at: number) => {
    state.cancelTick?.();
    const token = ++state.token;
    const entry = health();
    entry.state = 'idle';
    entry.nextRunAt = at;
    state.cancelTick = scheduler.at(at, () => dispatch(self, { type: 'tick', token }));
  };

  const run = async (state: CollectorState, self: ActorRef<CollectorMessage>): Promise<void> => {
    state.cancelTick?.();
    const now = scheduler.now();
    state.lastStartAt = now;
    const entry = health();
    entry.state = 'running';
    entry.lastRunAt = now;
    entry.nextRunAt = undefined;
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
      await runWith(runController.signal, now, state, self);
    } finally {
      state.controller.signal.removeEventListener('abort', abortRun);
      forget();
    }
  };

  const runWith = async (signal: AbortSignal, now: number, state: CollectorState, self: ActorRef<CollectorMessage>): Promise<void> => {
    const ctx: CollectContext = {
      tenantId: tenant.tenantId,
      kind,
      accounts: tenant.activeAccounts(),
      settings: tenant.settings(),
      now,
      intervalMs: interval(),
      signal,
      aws: services.gateway,
      call: (service, fn) => tenant.access.call(service, signal, fn),
      sink: services.sink,
      memory: state.memory,
      log: setup.log,
    };
    let outcomes: AccountOutcome[];
    try {
      outcomes = await services.inflight.track(services.jobs[kind](ctx));
    } catch (error) {
      if (signal.aborted) return; // stopping: nothing to record
      outcomes = [{ accountId: '*', error }];
    }
    if (signal.aborted) return;

    let firstError: ErrorInfo | undefined;
    let crash: unknown;
    const accountErrors: Record<string, ErrorInfo> = {};
    for (const outcome of outcomes) {
      if (outcome.error === undefined) continue;
      const info = describeFailure(outcome.error, now);
      accountErrors[outcome.accountId] = info;
      firstError ??= info;
      if (info.kind === 'credentials') setup.onCredentialsRejected(outcome.accountId, info);
      if (info.kind === 'bug') crash ??= outcome.error;
    }
    registry.recordRun(tenant.tenantId, kind, now, scheduler.now(), firstError);
    health().accountErrors = accountErrors;
    if (firstError) setup.log.warn({ error: firstError }, 'collector run failed');
    if (crash !== undefined) throw crash; // a bug: let supervision restart us
    schedule(state, self, nextRun());
  };

  return spawnActor<CollectorState, CollectorMessage>(
    parent,
    kind,
    {
      init(self) {
        const state: CollectorState = { controller: new AbortController(), token: 0, cancelTick: undefined, memory: new Map(), lastStartAt: -Infinity };
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
        await run(state, self);
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
