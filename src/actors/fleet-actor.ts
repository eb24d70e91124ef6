/**
 * The fleet, root of the tree: reconciles the tenant set from the TenantSource every interval
 * (spawn new tenants, stop removed ones, pass changed settings on) and supervises the shards.
 * A listing that fails part-way removes nobody. The fleet never crashes the process.
 */
import type { Logger } from 'pino';
import type { Tenant, TenantSource } from '../domain/tenant.js';
import type { Cancel } from './clock.js';
import { describeFailure } from './failure.js';
import { dispatch, spawnActor, type ActorRef, type ParentRef } from './nact-facade.js';
import { hash32, type RuntimeServices } from './services.js';
import { spawnShard, type ShardMessage } from './shard-actor.js';
import { SupervisedChild, type SupervisedChildOptions } from './supervised-child.js';

/** What one reconcile did. */
export interface ReconcileResult {
  added: number;
  changed: number;
  removed: number;
  total: number;
}

export type FleetMessage =
  | { type: 'reconcile'; reply?: (result: ReconcileResult | Error) => void }
  /** One tenant changed (e.g. through the API): apply it now, without listing every tenant. */
  | { type: 'refresh'; tenantId: string; reply?: (result: ReconcileResult | Error) => void }
  | { type: 'shard-crashed'; index: number; child: ActorRef<ShardMessage>; error: unknown }
  | { type: 'restart-shard'; index: number; fresh: boolean }
  | { type: 'to-tenant'; tenantId: string; message: Extract<ShardMessage, { type: 'restart-tenant' | 'run-now' }> };

interface FleetState {
  shards: SupervisedChild<ActorRef<ShardMessage>, number>[];
  /** Tenant id -> revision last passed to its shard. */
  known: Map<string, number>;
  nextReconcile: Cancel | undefined;
}

export interface FleetSetup {
  source: TenantSource;
  shards: number;
  reconcileIntervalMs: number;
  services: RuntimeServices;
  log: Logger;
  /** The fleet itself crashed (a bug here); the runtime starts a new one. */
  onCrash(error: unknown): void;
}

/** Which shard a tenant lives on. */
export function shardOf(tenantId: string, shards: number): number {
  return hash32(tenantId) % shards;
}

/** Spawn the fleet under the actor system. */
export function spawnFleet(parent: ParentRef, setup: FleetSetup): ActorRef<FleetMessage> {
  const { services, log } = setup;
  const { scheduler, registry } = services;

  const startShard = (state: FleetState, self: ActorRef<FleetMessage>, index: number, fresh = false) => {
    state.shards[index]!.start(() => {
      const ref: ActorRef<ShardMessage> = spawnShard(self, {
        index,
        services,
        log,
        onCrash: (error) => dispatch(self, { type: 'shard-crashed', index, child: ref, error }),
      });
      return ref;
    }, fresh);
  };

  const reconcile = async (state: FleetState): Promise<ReconcileResult> => {
    const seen = new Set<string>();
    const result: ReconcileResult = { added: 0, changed: 0, removed: 0, total: 0 };
    // One message per shard (see ShardMessage 'apply').
    const pending = Array.from({ length: setup.shards }, () => ({ upserts: [] as Tenant[], removes: [] as string[] }));
    for await (const tenant of setup.source.listTenants(services.abortAll)) {
      if (seen.has(tenant.id)) continue;
      seen.add(tenant.id);
      const known = state.known.get(tenant.id);
      if (known === tenant.revision) continue;
      if (known === undefined) result.added++;
      else result.changed++;
      pending[shardOf(tenant.id, setup.shards)]!.upserts.push(tenant);
    }
    // Only a complete listing may remove tenants; we got here, so it was complete.
    for (const id of state.known.keys()) {
      if (!seen.has(id)) {
        result.removed++;
        pending[shardOf(id, setup.shards)]!.removes.push(id);
      }
    }
    pending.forEach(({ upserts, removes }, index) => {
      const ref = state.shards[index]?.ref;
      if (!ref || upserts.length + removes.length === 0) return; // a restarting shard gets its tenants at the next reconcile
      dispatch(ref, { type: 'apply', upserts, removes });
      for (const tenant of upserts) state.known.set(tenant.id, tenant.revision);
      for (const id of removes) state.known.delete(id);
    });
    result.total = seen.size;
    return result;
  };

  const refresh = async (state: FleetState, tenantId: string): Promise<ReconcileResult> => {
    const tenant = await setup.source.get!(tenantId);
    const known = state.known.get(tenantId);
    const result: ReconcileResult = { added: 0, changed: 0, removed: 0, total: state.known.size };
    const ref = state.shards[shardOf(tenantId, setup.shards)]?.ref;
    if (!ref) return result; // a restarting shard gets its tenants at the next reconcile
    if (!tenant) {
      if (known !== undefined) {
        dispatch(ref, { type: 'remove', tenantId });
        state.known.delete(tenantId);
        result.removed = 1;
      }
    } else if (known !== tenant.revision) {
      dispatch(ref, { type: 'upsert', tenant });
      state.known.set(tenantId, tenant.revision);
      if (known === undefined) result.added = 1;
      else result.changed = 1;
    }
    result.total = state.known.size;
    return result;
  };

  const scheduleReconcile = (state: FleetState, self: ActorRef<FleetMessage>, delayMs: number) => {
    state.nextReconcile?.();
    state.nextReconcile = scheduler.after(delayMs, () => dispatch(self, { type: 'reconcile' }));
  };

  return spawnActor<FleetState, FleetMessage>(
    parent,
    'fleet',
    {
      init(self) {
        const supervision: SupervisedChildOptions<number> = {
          spec: services.specs.shard,
          scheduler,
          random: services.random,
          requestRestart: (fresh, index) => dispatch(self, { type: 'restart-shard', index, fresh }),
        };
        const state: FleetState = {
          shards: Array.from({ length: setup.shards }, (_, index) => new SupervisedChild<ActorRef<ShardMessage>, number>(supervision, index)),
          known: new Map(),
          nextReconcile: undefined,
        };
        for (let i = 0; i < setup.shards; i++) startShard(state, self, i);
        return state;
      },
      async receive(state, message, self) {
        switch (message.type) {
          case 'reconcile': {
            if (services.stopping()) {
              message.reply?.(new Error('stopping'));
              return state;
            }
            try {
              const result = await reconcile(state);
              registry.reconciled(scheduler.now(), { tenants: result.total });
              if (result.added + result.changed + result.removed > 0) log.info(result, 'tenants reconciled');
              message.reply?.(result);
            } catch (error) {
              // Stop aborts a reconcile in progress (its listing is abortable): that is the stop, not a fault.
              if (services.stopping()) {
                message.reply?.(new Error('stopping'));
                return state;
              }
              const info = describeFailure(error, scheduler.now());
              registry.reconciled(scheduler.now(), { error: info });
              log.error({ error: info }, 'reconcile failed; keeping the current tenant set');
              message.reply?.(error instanceof Error ? error : new Error(String(error)));
            }
            scheduleReconcile(state, self, setup.reconcileIntervalMs);
            return state;
          }
          case 'refresh': {
            if (services.stopping() || !setup.source.get) {
              message.reply?.(new Error(services.stopping() ? 'stopping' : 'the tenant source cannot read one tenant'));
              return state;
            }
            try {
              message.reply?.(await refresh(state, message.tenantId));
            } catch (error) {
              log.warn({ tenant: message.tenantId, error: describeFailure(error, scheduler.now()) }, 'refreshing a tenant failed; the next reconcile will');
              message.reply?.(error instanceof Error ? error : new Error(String(error)));
            }
            return state;
          }
          case 'shard-crashed': {
            const shard = state.shards[message.index];
            if (!shard?.isCurrent(message.child)) return state;
            // Its tenants died with it: forget them so the next reconcile spawns them again.
            for (const id of [...state.known.keys()]) if (shardOf(id, setup.shards) === message.index) state.known.delete(id);
            const next = shard.exited(true);
            const until = next.kind === 'backoff' || next.kind === 'parked' ? next.until : undefined;
            log.error({ shard: message.index, state: next.kind, delayMs: until === undefined ? undefined : until - scheduler.now(), error: describeFailure(message.error, scheduler.now()) }, 'shard crashed');
            return state;
          }
          case 'restart-shard': {
            const shard = state.shards[message.index];
            if (!shard || shard.ref) return state;
            startShard(state, self, message.index, message.fresh);
            scheduleReconcile(state, self, 0);
            return state;
          }
          case 'to-tenant': {
            const ref = state.shards[shardOf(message.tenantId, setup.shards)]?.ref;
            if (ref) dispatch(ref, message.message);
            return state;
          }
        }
      },
      onCrash: (error) => setup.onCrash(error),
      onStop(state) {
        state?.nextReconcile?.();
        for (const shard of state?.shards ?? []) shard.release();
      },
    },
    services.onFault,
  );
}
