/**
 * A tenant actor: owns one tenant's accounts, AWS breakers and collectors, and supervises the
 * collectors (restart with backoff; past their intensity, park them for a cool-down). A refused
 * identity marks the account `credentials_invalid` and its collection stops until the account is
 * updated; a new or updated account is collected at once. A crash here is reported to the
 * tenant's shard.
 */
import type { Logger } from 'pino';
import { COLLECTOR_KINDS } from '../collectors/index.js';
import { type Account, type CollectorKind, type Tenant } from '../domain/tenant.js';
import { TenantAwsAccess } from './aws-access.js';
import type { Cancel } from './clock.js';
import { spawnCollector, type CollectorMessage, type TenantView } from './collector-actor.js';
import { describeFailure } from './failure.js';
import type { ErrorInfo } from './health-registry.js';
import { dispatch, spawnActor, stopActor, type ActorRef, type ParentRef } from './nact-facade.js';
import { RestartPolicy } from './restart-policy.js';
import type { RuntimeServices } from './services.js';
import { validateTenant } from './validate-tenant.js';

export type TenantMessage =
  | { type: 'configure'; tenant: Tenant }
  | { type: 'collector-crashed'; kind: CollectorKind; child: ActorRef<CollectorMessage>; error: unknown }
  | { type: 'restart-collector'; kind: CollectorKind; fresh: boolean }
  | { type: 'credentials-rejected'; accountId: string; info: ErrorInfo }
  | { type: 'run-now'; kind?: CollectorKind };

interface Collector {
  ref: ActorRef<CollectorMessage> | undefined;
  policy: RestartPolicy;
  timer: Cancel | undefined;
}

interface TenantState {
  tenant: Tenant;
  /** Accounts whose credentials AWS rejected, with the account revision that was rejected. */
  invalid: Map<string, number>;
  active: readonly Account[];
  access: TenantAwsAccess;
  collectors: Map<CollectorKind, Collector>;
}

export interface TenantSetup {
  tenant: Tenant;
  services: RuntimeServices;
  log: Logger;
  onCrash(error: unknown): void;
}

/** Spawn a tenant actor under its shard. */
export function spawnTenant(parent: ParentRef, name: string, setup: TenantSetup): ActorRef<TenantMessage> {
  const { services } = setup;
  const { registry, scheduler } = services;
  const tenantId = setup.tenant.id;
  const log = setup.log;

  const refreshAccounts = (state: TenantState) => {
    const health = registry.tenant(tenantId);
    health.accounts = {};
    for (const account of state.tenant.accounts) {
      const rejected = state.invalid.get(account.id);
      // New credentials (a new revision) clear a rejection.
      if (rejected !== undefined && rejected !== account.revision) state.invalid.delete(account.id);
      const invalid = state.invalid.has(account.id) || account.status === 'credentials_invalid';
      health.accounts[account.id] = invalid
        ? { status: 'credentials_invalid', reason: account.statusReason ?? 'AWS rejected the credentials' }
        : { status: 'active' };
    }
    state.active = state.tenant.accounts.filter((a) => health.accounts[a.id]?.status === 'active');
  };

  const startCollector = (state: TenantState, self: ActorRef<TenantMessage>, kind: CollectorKind, retryNow: boolean) => {
    const view: TenantView = {
      tenantId,
      access: state.access,
      activeAccounts: () => state.active,
      settings: () => state.tenant.settings,
    };
    const collector = state.collectors.get(kind)!;
    collector.policy.started(scheduler.now());
    // A new incarnation (after a backoff, a cool-down or an operator restart) is not parked.
    registry.collector(tenantId, kind).parkedUntil = undefined;
    collector.ref = spawnCollector(self, {
      kind,
      tenant: view,
      retryNow,
      services,
      log: log.child({ collector: kind }),
      onCredentialsRejected: (accountId, info) => dispatch(self, { type: 'credentials-rejected', accountId, info }),
      onCrash: (error) => dispatch(self, { type: 'collector-crashed', kind, child: collector.ref!, error }),
    });
  };

  const onCollectorCrash = (state: TenantState, self: ActorRef<TenantMessage>, kind: CollectorKind, error: unknown) => {
    const collector = state.collectors.get(kind)!;
    collector.ref = undefined;
    const now = scheduler.now();
    const health = registry.collector(tenantId, kind);
    health.lastError = describeFailure(error, now);
    const decision = collector.policy.onExit(true, now);
    if (decision.action === 'restart') {
      health.state = 'backoff';
      health.restarts++;
      health.nextRunAt = now + decision.delayMs;
      registry.counters.collectorRestarts++;
      log.warn({ collector: kind, delayMs: decision.delayMs, error: health.lastError }, 'collector crashed; restarting after backoff');
      collector.timer = scheduler.after(decision.delayMs, () => dispatch(self, { type: 'restart-collector', kind, fresh: false }));
    } else if (decision.action === 'park') {
      health.state = 'parked';
      health.parkedUntil = decision.untilMs;
      health.nextRunAt = undefined;
      log.error({ collector: kind, until: new Date(decision.untilMs).toISOString(), error: health.lastError }, 'collector parked: too many restarts');
      collector.timer = scheduler.at(decision.untilMs, () => dispatch(self, { type: 'restart-collector', kind, fresh: true }));
    } else {
      health.state = 'stopped';
    }
  };

  return spawnActor<TenantState, TenantMessage>(
    parent,
    name,
    {
      init(self) {
        validateTenant(setup.tenant);
        const now = scheduler.now();
        const health = registry.tenant(tenantId);
        health.state = 'running';
        health.parkedUntil = undefined;
        const state: TenantState = {
          tenant: setup.tenant,
          invalid: new Map(),
          active: [],
          access: new TenantAwsAccess(tenantId, services.limits, scheduler, registry),
          collectors: new Map(),
        };
        refreshAccounts(state);
        for (const kind of COLLECTOR_KINDS) {
          state.collectors.set(kind, { ref: undefined, policy: new RestartPolicy(services.specs.collector, now, services.random), timer: undefined });
          startCollector(state, self, kind, false);
        }
        return state;
      },
      receive(state, message, self) {
        switch (message.type) {
          case 'configure':
            if (message.tenant.revision === state.tenant.revision) return state;
            validateTenant(message.tenant);
            const intervalsChanged = JSON.stringify(message.tenant.settings.intervalsMs) !== JSON.stringify(state.tenant.settings.intervalsMs);
            const before = new Map(state.tenant.accounts.map((a) => [a.id, a.revision]));
            state.tenant = message.tenant;
            refreshAccounts(state);
            if (intervalsChanged) {
              for (const collector of state.collectors.values()) if (collector.ref) dispatch(collector.ref, { type: 'reschedule' });
            }
            // A new or updated account is collected at once (first data within a minute, cost
            // included), then follows the normal slots.
            const changed = state.active.filter((a) => before.get(a.id) !== a.revision).map((a) => a.id);
            if (changed.length > 0) {
              for (const collector of state.collectors.values()) {
                if (collector.ref) dispatch(collector.ref, { type: 'run-now', requestedAt: scheduler.now(), accountIds: changed });
              }
            }
            log.info({ revision: message.tenant.revision }, 'tenant settings applied');
            return state;
          case 'collector-crashed':
            // A late report from a collector we already replaced is ignored.
            if (state.collectors.get(message.kind)?.ref === message.child) onCollectorCrash(state, self, message.kind, message.error);
            return state;
          case 'restart-collector': {
            const collector = state.collectors.get(message.kind)!;
            if (collector.ref) return state;
            collector.timer = undefined;
            if (message.fresh) collector.policy.reset(scheduler.now());
            registry.collector(tenantId, message.kind).parkedUntil = undefined;
            startCollector(state, self, message.kind, true);
            return state;
          }
          case 'credentials-rejected': {
            const account = state.tenant.accounts.find((a) => a.id === message.accountId);
            if (!account || state.invalid.get(account.id) === account.revision) return state;
            state.invalid.set(account.id, account.revision);
            refreshAccounts(state);
            const health = registry.tenant(tenantId).accounts[account.id];
            if (health) health.reason = `${message.info.code}: ${message.info.message}`;
            log.warn({ account: account.id, code: message.info.code }, 'credentials rejected; collection for the account stops until they change');
            // Persisting the status is best effort: the in-memory mark already stops collection.
            services.sink.setAccountStatus(tenantId, account.id, 'credentials_invalid', message.info.code).catch((error: unknown) => {
              log.error({ account: account.id, error: describeFailure(error, scheduler.now()) }, 'could not store account status');
            });
            return state;
          }
          case 'run-now':
            for (const [kind, collector] of state.collectors) {
              if (collector.ref && (message.kind === undefined || message.kind === kind)) {
                dispatch(collector.ref, { type: 'run-now', requestedAt: scheduler.now() });
              }
            }
            return state;
        }
      },
      onCrash: (error) => setup.onCrash(error),
      onStop(state) {
        if (!state) return;
        for (const [kind, collector] of state.collectors) {
          collector.timer?.();
          // Children stop with us; say so unless a newer incarnation already took over.
          const health = registry.get(tenantId)?.collectors[kind];
          if (health && (health.state === 'backoff' || health.state === 'parked' || collector.ref)) health.state = 'stopped';
          if (collector.ref) stopActor(collector.ref);
        }
        state.access.shutdown();
      },
    },
    services.onFault,
  );
}
