/**
 * A shard supervises a slice of the tenants (nact copies a parent's whole child map on every
 * message, so no actor should parent 10k children). It spawns, reconfigures and stops tenant
 * actors as the fleet tells it, restarts a crashed tenant after a backoff, and parks a tenant
 * past its restart intensity for a cool-down. Nothing a tenant does goes further up.
 */
import type { Logger } from 'pino';
import type { Tenant } from '../domain/tenant.js';
import { describeFailure } from './failure.js';
import { actorName, dispatch, spawnActor, stopActor, type ActorRef, type ParentRef } from './nact-facade.js';
import type { RuntimeServices } from './services.js';
import { SupervisedChild, type SupervisedChildOptions } from './supervised-child.js';
import { spawnTenant, type TenantMessage } from './tenant-actor.js';

export type ShardMessage =
  | { type: 'upsert'; tenant: Tenant }
  | { type: 'remove'; tenantId: string }
  /**
   * A reconcile's changes for this shard in one message: nact copies a parent's whole child map
   * into every message's context, so one message per tenant made spawning n tenants O(n^2 / shards).
   */
  | { type: 'apply'; upserts: readonly Tenant[]; removes: readonly string[] }
  | { type: 'tenant-crashed'; tenantId: string; child: ActorRef<TenantMessage>; error: unknown }
  | { type: 'restart-tenant'; tenantId: string; fresh: boolean }
  | { type: 'run-now'; tenantId: string };

interface Entry {
  tenant: Tenant;
  child: SupervisedChild<ActorRef<TenantMessage>, string>;
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

  const start = (entry: Entry, self: ActorRef<ShardMessage>, fresh = false) => {
    const tenantId = entry.tenant.id;
    const previous = entry.child.stop();
    if (previous) stopActor(previous);
    registry.tenantStarted(tenantId);
    entry.child.start(() => {
      const ref: ActorRef<TenantMessage> = spawnTenant(self, actorName('tenant-', tenantId), {
        tenant: entry.tenant,
        services,
        log: setup.log.child({ tenant: tenantId }),
        onCrash: (error) => dispatch(self, { type: 'tenant-crashed', tenantId, child: ref, error }),
      });
      return ref;
    }, fresh);
  };

  // One set of options for the shard's tenants (a restart request names its tenant), made on
  // the first tenant, when the shard's ref is known.
  let supervision: SupervisedChildOptions<string> | undefined;
  const upsert = (state: ShardState, self: ActorRef<ShardMessage>, tenant: Tenant) => {
    const entry = state.get(tenant.id);
    if (!entry) {
      const tenantId = tenant.id;
      supervision ??= {
        spec: services.specs.tenant,
        scheduler,
        random: services.random,
        requestRestart: (fresh, id) => dispatch(self, { type: 'restart-tenant', tenantId: id, fresh }),
      };
      const child = new SupervisedChild<ActorRef<TenantMessage>, string>(supervision, tenantId);
      const created: Entry = { tenant, child };
      state.set(tenantId, created);
      start(created, self);
    } else if (entry.child.ref) {
      entry.tenant = tenant;
      dispatch(entry.child.ref, { type: 'configure', tenant });
    } else {
      // Waiting for a restart: changed settings may be the fix, so try them now.
      const changed = entry.tenant.revision !== tenant.revision;
      entry.tenant = tenant;
      if (changed) start(entry, self, true);
    }
  };

  const remove = (state: ShardState, tenantId: string) => {
    const ref = state.get(tenantId)?.child.stop();
    if (ref) stopActor(ref);
    state.delete(tenantId);
    registry.tenantRemoved(tenantId);
  };

  const onTenantCrash = (entry: Entry, error: unknown) => {
    const tenantId = entry.tenant.id;
    const now = scheduler.now();
    const info = describeFailure(error, now);
    const next = entry.child.exited(true);
    registry.tenantSupervised(tenantId, next, info);
    const log = setup.log.child({ tenant: tenantId });
    if (next.kind === 'backoff') {
      log.warn({ delayMs: next.until - now, error: info }, 'tenant crashed; restarting after backoff');
    } else if (next.kind === 'parked') {
      log.error({ until: new Date(next.until).toISOString(), error: info }, 'tenant parked: too many restarts');
    }
  };

  return spawnActor<ShardState, ShardMessage>(
    parent,
    `shard-${String(setup.index).padStart(2, '0')}`,
    {
      init: () => new Map(),
      receive(state, message, self) {
        switch (message.type) {
          case 'upsert':
            upsert(state, self, message.tenant);
            return state;
          case 'remove':
            remove(state, message.tenantId);
            return state;
          case 'apply':
            for (const tenantId of message.removes) remove(state, tenantId);
            for (const tenant of message.upserts) upsert(state, self, tenant);
            return state;
          case 'tenant-crashed': {
            const entry = state.get(message.tenantId);
            if (entry?.child.isCurrent(message.child)) onTenantCrash(entry, message.error);
            return state;
          }
          case 'restart-tenant': {
            const entry = state.get(message.tenantId);
            if (!entry) return state;
            start(entry, self, message.fresh);
            return state;
          }
          case 'run-now': {
            const ref = state.get(message.tenantId)?.child.ref;
            if (ref) dispatch(ref, { type: 'run-now' });
            return state;
          }
        }
      },
      onCrash: (error) => setup.onCrash(error),
      onStop(state) {
        for (const entry of state?.values() ?? []) entry.child.release();
      },
    },
    services.onFault,
  );
}
