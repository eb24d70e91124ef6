/**
 * A tenant actor: owns one tenant's accounts, AWS breakers and collectors, and supervises the
 * collectors (restart with backoff; past their intensity, park them for a cool-down). Its
 * collectors are state it owns (collector-worker.ts), not actors: each has its own supervision
 * state, timers and run, so one crashing is restarted, backed off or parked alone. A refused
 * identity marks the account `credentials_invalid` and its collection stops until the account is
 * updated; a new or updated account is collected at once. A crash here is reported to the
 * tenant's shard.
 */
import type { Logger } from 'pino';
import { COLLECTOR_KINDS, type Account, type CollectorKind, type Tenant } from '../domain/tenant.js';
import type { AccountHealth } from '../domain/worker-health.js';
import { TenantAwsAccess } from './aws-access.js';
import { CollectorWorker, type CollectorHost } from './collector-worker.js';
import { describeFailure } from './failure.js';
import type { ErrorInfo } from './health-registry.js';
import { dispatch, spawnActor, type ActorRef, type ParentRef } from './nact-facade.js';
import type { RuntimeServices } from './services.js';
import { SupervisedChild, type SupervisedChildOptions } from './supervised-child.js';
import { validateTenant } from './validate-tenant.js';

export type TenantMessage =
  | { type: 'configure'; tenant: Tenant }
  | { type: 'collector-crashed'; kind: CollectorKind; child: CollectorWorker; error: unknown }
  | { type: 'restart-collector'; kind: CollectorKind; fresh: boolean }
  | { type: 'credentials-rejected'; accountId: string; info: ErrorInfo }
  | { type: 'run-now'; kind?: CollectorKind };

interface TenantState {
  tenant: Tenant;
  /** Accounts whose credentials AWS rejected, with the account revision that was rejected (made on the first rejection: an empty Map is ~180 bytes, a tenant). */
  invalid: Map<string, number> | undefined;
  active: readonly Account[];
  /** What the registry shows of each account (reasons included). */
  accounts: Record<string, AccountHealth>;
  access: TenantAwsAccess;
  /** What the tenant's collectors read of it and report to it (one for all of them). */
  host: CollectorHost;
  /** One per kind, in COLLECTOR_KINDS order (an array: a Map of five holds a ~0.3 KB table). */
  collectors: SupervisedChild<CollectorWorker, CollectorKind>[];
}

export interface TenantSetup {
  tenant: Tenant;
  services: RuntimeServices;
  log: Logger;
  onCrash(error: unknown): void;
}

function collectorOf(state: TenantState, kind: CollectorKind): SupervisedChild<CollectorWorker, CollectorKind> | undefined {
  return state.collectors.find((collector) => collector.key === kind);
}

/** Spawn a tenant actor under its shard. */
export function spawnTenant(parent: ParentRef, name: string, setup: TenantSetup): ActorRef<TenantMessage> {
  const { services } = setup;
  const { registry, scheduler } = services;
  const tenantId = setup.tenant.id;
  const log = setup.log;

  const refreshAccounts = (state: TenantState) => {
    const accounts: Record<string, AccountHealth> = {};
    for (const account of state.tenant.accounts) {
      const rejected = state.invalid?.get(account.id);
      // New credentials (a new revision) clear a rejection.
      if (rejected !== undefined && rejected !== account.revision) state.invalid?.delete(account.id);
      const invalid = state.invalid?.has(account.id) === true || account.status === 'credentials_invalid';
      // A rejection seen by this incarnation keeps the reason AWS gave.
      const known = state.accounts[account.id];
      accounts[account.id] = invalid
        ? { status: 'credentials_invalid', reason: known?.status === 'credentials_invalid' && known.reason ? known.reason : (account.statusReason ?? 'AWS rejected the credentials') }
        : { status: 'active' };
    }
    state.accounts = accounts;
    state.active = state.tenant.accounts.filter((a) => accounts[a.id]?.status === 'active');
    registry.accountsChanged(tenantId, accounts);
  };

  const startCollector = (state: TenantState, kind: CollectorKind, retryNow: boolean, fresh = false) => {
    // A new incarnation (after a backoff, a cool-down or an operator restart) is not parked.
    registry.collectorStarted(tenantId, kind);
    collectorOf(state, kind)!.start(() => new CollectorWorker(state.host, kind, retryNow), fresh);
  };

  const onCollectorCrash = (state: TenantState, kind: CollectorKind, error: unknown) => {
    const now = scheduler.now();
    const info = describeFailure(error, now);
    const next = collectorOf(state, kind)!.exited(true);
    registry.collectorSupervised(tenantId, kind, next, info);
    if (next.kind === 'backoff') {
      log.warn({ collector: kind, delayMs: next.until - now, error: info }, 'collector crashed; restarting after backoff');
    } else if (next.kind === 'parked') {
      log.error({ collector: kind, until: new Date(next.until).toISOString(), error: info }, 'collector parked: too many restarts');
    }
  };

  return spawnActor<TenantState, TenantMessage>(
    parent,
    name,
    {
      init(self) {
        validateTenant(setup.tenant);
        registry.tenantStarted(tenantId);
        const access = new TenantAwsAccess(tenantId, services.limits, registry);
        const state: TenantState = {
          tenant: setup.tenant,
          invalid: undefined,
          active: [],
          accounts: {},
          access,
          host: {
            // Read at each run, so the collectors follow configure and credential changes.
            tenant: { tenantId, access, activeAccounts: () => state.active, settings: () => state.tenant.settings },
            services,
            log,
            // Rare events come back through the mailbox, so the tenant handles them one at a time
            // and a throw while handling them crashes the tenant (its shard supervises), not the process.
            onCredentialsRejected: (accountId, info) => dispatch(self, { type: 'credentials-rejected', accountId, info }),
            onCrash: (worker, error) => dispatch(self, { type: 'collector-crashed', kind: worker.kind, child: worker, error }),
          },
          collectors: [],
        };
        refreshAccounts(state);
        // One set of options for the five: a restart request names its collector.
        const supervision: SupervisedChildOptions<CollectorKind> = {
          spec: services.specs.collector,
          scheduler,
          random: services.random,
          requestRestart: (fresh, kind) => dispatch(self, { type: 'restart-collector', kind, fresh }),
        };
        for (const kind of COLLECTOR_KINDS) {
          state.collectors.push(new SupervisedChild<CollectorWorker, CollectorKind>(supervision, kind));
          startCollector(state, kind, false);
        }
        return state;
      },
      receive(state, message) {
        switch (message.type) {
          case 'configure':
            if (message.tenant.revision === state.tenant.revision) return state;
            validateTenant(message.tenant);
            const intervalsChanged = JSON.stringify(message.tenant.settings.intervalsMs) !== JSON.stringify(state.tenant.settings.intervalsMs);
            const before = new Map(state.tenant.accounts.map((a) => [a.id, a.revision]));
            state.tenant = message.tenant;
            refreshAccounts(state);
            if (intervalsChanged) {
              for (const collector of state.collectors) collector.ref?.reschedule();
            }
            // A new or updated account is collected at once (first data within a minute, cost
            // included), then follows the normal slots.
            const changed = state.active.filter((a) => before.get(a.id) !== a.revision).map((a) => a.id);
            if (changed.length > 0) {
              for (const collector of state.collectors) collector.ref?.runNow(scheduler.now(), changed);
            }
            log.info({ revision: message.tenant.revision }, 'tenant settings applied');
            return state;
          case 'collector-crashed':
            // A late report from a collector we already replaced is ignored.
            if (collectorOf(state, message.kind)?.isCurrent(message.child)) onCollectorCrash(state, message.kind, message.error);
            return state;
          case 'restart-collector': {
            if (collectorOf(state, message.kind)!.ref) return state;
            startCollector(state, message.kind, true, message.fresh);
            return state;
          }
          case 'credentials-rejected': {
            const account = state.tenant.accounts.find((a) => a.id === message.accountId);
            if (!account || state.invalid?.get(account.id) === account.revision) return state;
            (state.invalid ??= new Map()).set(account.id, account.revision);
            state.accounts[account.id] = { status: 'credentials_invalid', reason: `${message.info.code}: ${message.info.message}` };
            refreshAccounts(state);
            log.warn({ account: account.id, code: message.info.code }, 'credentials rejected; collection for the account stops until they change');
            // Persisting the status is best effort: the in-memory mark already stops collection.
            services.sink.setAccountStatus(tenantId, account.id, 'credentials_invalid', message.info.code).catch((error: unknown) => {
              log.error({ account: account.id, error: describeFailure(error, scheduler.now()) }, 'could not store account status');
            });
            return state;
          }
          case 'run-now':
            for (const collector of state.collectors) {
              if (message.kind === undefined || message.kind === collector.key) collector.ref?.runNow(scheduler.now());
            }
            return state;
        }
      },
      onCrash: (error) => setup.onCrash(error),
      onStop(state) {
        if (!state) return;
        for (const collector of state.collectors) {
          const worker = collector.stop();
          // Collectors stop with us; say so unless a newer incarnation already took over.
          registry.collectorStoppedWithTenant(tenantId, collector.key, worker !== undefined);
          worker?.stop();
        }
        state.access.shutdown();
      },
    },
    services.onFault,
  );
}
