/**
 * A shard supervises a slice of the tenants (nact copies a parent's whole child map on every
 * message, so no actor should parent 10k children). It spawns, reconfigures and stops tenant
 * actors as the fleet tells it, restarts a crashed tenant after a backoff, and parks a tenant
 * past its restart intensity for a cool-down. Nothing a tenant does goes further up.
 */
import type { Logger } from 'pino';
import type { Tenant } from '../domain/tenant.js';
import type { Cancel } from './clock.js';
import { describeFailure } from './failure.js';
import { actorName, dispatch, spawnActor, stopActor, type ActorRef, type ParentRef } from './nact-facade.js';
import { RestartPolicy } from './restart-policy.js';
import type { RuntimeServices } from './services.js';
import { spawnTenant, type TenantMessage } from './tenant-actor.js';

export type ShardMessage =
  | { type: 'upsert'; tenant: Tenant }
  | { type: 'remove'; tenantId: string }
  | { type: 'tenant-crashed'; tenantId: string; child: ActorRef<TenantMessage>; error: unknown }
  | { type: 'restart-tenant'; tenantId: string; fresh: boolean }
  | { type: 'run-now'; tenantId: string };

interface Entry {
  tenant: Tenant;
  ref: ActorRef<TenantMessage> | undefined;
  policy: RestartPolicy;
  timer: Cancel | undefined;
}

type ShardState = Map<string, Entry>;

export interface ShardSetup {
  index: number;
  services: RuntimeServices;
  log: Logger;
  onCrash(error: unknown): void;
}

/** Spawn shard number `index` under the fleet. */
export function spawnShard(parent: ParentRef, setup: ShardSetup): ActorRef<ShardMessage> {
  const { services } = setup;
  const { registry, scheduler } = services;

  const start = (entry: Entry, self: ActorRef<ShardMessage>) => {
    const tenantId = entry.tenant.id;
    entry.timer = undefined;
    entry.policy.started(scheduler.now());
    const health = registry.tenant(tenantId);
    health.state = 'running';
    entry.ref = spawnTenant(self, actorName('tenant-', tenantId), {
      tenant: entry.tenant,
      services,
      log: setup.log.child({ tenant: tenantId }),
      onCrash: (error) => dispatch(self, { type: 'tenant-crashed', tenantId, child: entry.ref!, error }),
    });
  };

  const stop = (entry: Entry) => {
    entry.timer?.();
    entry.timer = undefined;
    if (entry.ref) stopActor(entry.ref);
    entry.ref = undefined;
  };

  const onTenantCrash = (entry: Entry, self: ActorRef<ShardMessage>, error: unknown) => {
    const tenantId = entry.tenant.id;
    entry.ref = undefined;
    const now = scheduler.now();
    const health = registry.tenant(tenantId);
    health.lastError = describeFailure(error, now);
    const decision = entry.policy.onExit(true, now);
    const log = setup.log.child({ tenant: tenantId });
    if (decision.action === 'restart') {
      health.state = 'backoff';
      health.restarts++;
      registry.counters.tenantRestarts++;
      log.warn({ delayMs: decision.delayMs, error: health.lastError }, 'tenant crashed; restarting after backoff');
      entry.timer = scheduler.after(decision.delayMs, () => dispatch(self, { type: 'restart-tenant', tenantId, fresh: false }));
    } else if (decision.action === 'park') {
      health.state = 'parked';
      health.parkedUntil = decision.untilMs;
      log.error({ until: new Date(decision.untilMs).toISOString(), error: health.lastError }, 'tenant parked: too many restarts');
      entry.timer = scheduler.at(decision.untilMs, () => dispatch(self, { type: 'restart-tenant', tenantId, fresh: true }));
    } else {
      health.state = 'stopped';
    }
  };

  return spawnActor<ShardState, ShardMessage>(
    parent,
    `shard-${String(setup.index).padStart(2, '0')}`,
    {
      init: () => new Map(),
      receive(state, message, self) {
        switch (message.type) {
          case 'upsert': {
            const entry = state.get(message.tenant.id);
            if (!entry) {
              const created: Entry = {
                tenant: message.tenant,
                ref: undefined,
                policy: new RestartPolicy(services.specs.tenant, scheduler.now(), services.random),
                timer: undefined,
              };
              state.set(message.tenant.id, created);
              start(created, self);
            } else if (entry.ref) {
              entry.tenant = message.tenant;
              dispatch(entry.ref, { type: 'configure', tenant: message.tenant });
            } else {
              // Waiting for a restart: changed settings may be the fix, so try them now.
              const changed = entry.tenant.revision !== message.tenant.revision;
              entry.tenant = message.tenant;
              if (changed) {
                stop(entry);
                entry.policy.reset(scheduler.now());
                start(entry, self);
              }
            }
            return state;
          }
          case 'remove': {
            const entry = state.get(message.tenantId);
            if (entry) stop(entry);
            state.delete(message.tenantId);
            registry.remove(message.tenantId);
            return state;
          }
          case 'tenant-crashed': {
            const entry = state.get(message.tenantId);
            if (entry && entry.ref === message.child) onTenantCrash(entry, self, message.error);
            return state;
          }
          case 'restart-tenant': {
            const entry = state.get(message.tenantId);
            if (!entry) return state;
            stop(entry);
            if (message.fresh) entry.policy.reset(scheduler.now());
            registry.tenant(message.tenantId).parkedUntil = undefined;
            start(entry, self);
            return state;
          }
          case 'run-now': {
            const ref = state.get(message.tenantId)?.ref;
            if (ref) dispatch(ref, { type: 'run-now' });
            return state;
          }
        }
      },
      onCrash: (error) => setup.onCrash(error),
      onStop(state) {
        for (const entry of state?.values() ?? []) entry.timer?.();
      },
    },
    services.onFault,
  );
}
