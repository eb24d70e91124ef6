/**
 * Several instances on one store: which instance collects which tenant. The Kinesis Client
 * Library's pattern (DESIGN.md, "Several instances"), adapted to what DynamoDB bills:
 *
 * - Each instance keeps one *instance lease* (`instance#<id>`) alive: renewed every
 *   `heartbeatMs`, it expires `instanceTtlMs` after the last renewal. One write per heartbeat per
 *   instance, whatever the number of tenants.
 * - Each tenant has one *tenant lease* (key = tenant id) with owner and counter, written only when
 *   it changes hands (take, steal, release), never renewed: a tenant lease is live while its
 *   owner's instance lease is. Renewing every tenant's lease every few seconds, as the KCL does,
 *   would cost ~260,000 writes a tenant a month (~$0.32) and break the DynamoDB budget of issue 15.
 * - Every `rebalanceMs` an instance lists the leases, counts the live instances and converges on
 *   its fair share, ceil(tenants / live instances): it takes tenants with no lease, a released
 *   lease or a dead owner, then steals from instances above their share (only their excess, so two
 *   instances never trade a tenant back and forth). Every take is a conditional write on the
 *   counter it saw, so of two instances racing for one tenant exactly one wins.
 * - It also verifies its own tenants on each rebalance: a tenant whose lease now names another
 *   owner (stolen) is dropped at once. So a tenant is collected by two instances for at most one
 *   rebalance period (the stolen-from instance's next rebalance), and a dead instance's tenants
 *   move within `instanceTtlMs + rebalanceMs`.
 * - A clean stop releases every lease it holds (owner removed) and its instance lease, so the
 *   others take its tenants at their next rebalance without waiting for an expiry.
 *
 * Clocks: lease expiries are compared across instances, so their clocks must agree to well
 * within `instanceTtlMs` (NTP on EC2 keeps them within milliseconds).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock, Cancel } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { TenantSource } from '../domain/tenant.js';
import type { InstanceView, LeaseSnapshot } from '../domain/leases.js';
import type { Lease, LeaseRepository } from '../store/index.js';

export const INSTANCE_PREFIX = 'instance#';

export interface LeaseSettings {
  /** How often the instance lease is renewed. Default 10 s. */
  heartbeatMs: number;
  /** An instance whose lease was not renewed for this long is dead. Default 30 s. */
  instanceTtlMs: number;
  /** How often leases are listed, verified and balanced. Default 30 s. */
  rebalanceMs: number;
  /** At most this many leases stolen per rebalance (converge gradually). Default 10. */
  maxStealsPerRebalance: number;
}

export const DEFAULT_LEASE_SETTINGS: LeaseSettings = { heartbeatMs: 10_000, instanceTtlMs: 30_000, rebalanceMs: 30_000, maxStealsPerRebalance: 10 };

export interface LeaseCoordinatorOptions {
  leases: LeaseRepository;
  /** Every tenant id in the store (the fleet's full listing). */
  tenantIds: (signal: AbortSignal) => Promise<string[]>;
  clock: Clock;
  log: Logger;
  /** Tenants gained and lost by this instance; the runtime applies each. */
  onChange: (change: { gained: string[]; lost: string[] }) => void;
  instanceId?: string;
  settings?: Partial<LeaseSettings>;
}

export interface LeaseCoordinator {
  readonly instanceId: string;
  /** Take the instance lease and the first share of tenants. */
  start(): Promise<void>;
  /** Does this instance run `tenantId` now? */
  holds(tenantId: string): boolean;
  /** Take a tenant that has no lease yet (a tenant just created through this instance). */
  claimNew(tenantId: string): Promise<boolean>;
  /** One rebalance now (also runs every `rebalanceMs`). */
  rebalance(): Promise<void>;
  /** Renew the instance lease now (also runs every `heartbeatMs`). */
  heartbeat(): Promise<void>;
  snapshot(): LeaseSnapshot;
  /** Stop the timers and release every lease held. Idempotent. */
  stop(): Promise<void>;
}

/** A process-unique instance id: host, pid and a random suffix (a restarted process is a new instance). */
export function newInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

export function createLeaseCoordinator(options: LeaseCoordinatorOptions): LeaseCoordinator {
  const settings: LeaseSettings = { ...DEFAULT_LEASE_SETTINGS, ...options.settings };
  const { leases, clock, log } = options;
  const instanceId = options.instanceId ?? newInstanceId();
  const instanceKey = `${INSTANCE_PREFIX}${instanceId}`;
  const held = new Map<string, Lease>();
  const abort = new AbortController();
  let instanceLease: Lease | undefined;
  let timers: Cancel[] = [];
  let stopped = false;
  let share = 0;
  let instances: InstanceView[] = [];
  let lastRebalanceAt: number | undefined;
  let lastError: string | undefined;
  let running: Promise<void> | undefined;

  const heartbeat = async (): Promise<void> => {
    const renewed = instanceLease && (await leases.renew(instanceLease, settings.instanceTtlMs));
    instanceLease = renewed || (await takeInstanceLease());
  };

  const takeInstanceLease = async (): Promise<Lease> => {
    const seen = await leases.get(instanceKey);
    const taken = await leases.take(instanceKey, instanceId, { durationMs: settings.instanceTtlMs, ...(seen ? { seen, force: true } : {}) });
    if (!taken) throw new Error(`instance lease ${instanceKey} changed under us`);
    return taken;
  };

  const changed = (gained: string[], lost: string[]) => {
    if (gained.length + lost.length === 0) return;
    log.info({ instance: instanceId, gained: gained.length, lost: lost.length, held: held.size }, 'leases changed');
    options.onChange({ gained, lost });
  };

  const rebalanceOnce = async (): Promise<void> => {
    const signal = abort.signal;
    const now = clock.now();
    const [all, tenantIds] = await Promise.all([leases.list(signal), options.tenantIds(signal)]);
    const byKey = new Map(all.map((lease) => [lease.key, lease]));
    const liveOwners = new Set<string>([instanceId]);
    const instanceLeases = all.filter((lease) => lease.key.startsWith(INSTANCE_PREFIX));
    for (const lease of instanceLeases) if (lease.owner && lease.expiresAt > now) liveOwners.add(lease.owner);

    const gained: string[] = [];
    const lost: string[] = [];
    // Verify: a tenant whose lease names someone else (stolen) or is gone is dropped at once.
    const existing = new Set(tenantIds);
    for (const [key] of held) {
      const lease = byKey.get(key);
      if (!existing.has(key) || !lease || lease.owner !== instanceId) {
        held.delete(key);
        lost.push(key);
      } else {
        held.set(key, lease);
      }
    }

    share = Math.ceil(tenantIds.length / liveOwners.size);
    const counts = new Map<string, number>();
    for (const id of tenantIds) {
      const owner = byKey.get(id)?.owner;
      if (owner && liveOwners.has(owner)) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }

    // Take free tenants: no lease, released, or owned by a dead instance; in a per-instance order
    // so that instances starting together do not all race for the same first tenants.
    const free = tenantIds.filter((id) => {
      const owner = byKey.get(id)?.owner;
      return !owner || !liveOwners.has(owner);
    });
    for (const id of rotate(free, instanceId)) {
      if (held.size >= share || signal.aborted) break;
      const seen = byKey.get(id);
      const taken = await leases.take(id, instanceId, { durationMs: 0, ...(seen ? { seen, force: seen.owner !== undefined } : {}) });
      if (taken) {
        held.set(id, taken);
        gained.push(id);
      }
    }

    // Steal from instances above their share, only their excess, a few per rebalance.
    let steals = 0;
    if (held.size < share) {
      const donors = [...counts.entries()].filter(([owner, n]) => owner !== instanceId && n > share).sort((a, b) => b[1] - a[1]);
      for (const [donor, count] of donors) {
        let excess = count - share;
        const theirs = tenantIds.filter((id) => byKey.get(id)?.owner === donor);
        for (const id of rotate(theirs, instanceId)) {
          if (excess <= 0 || held.size >= share || steals >= settings.maxStealsPerRebalance || signal.aborted) break;
          const taken = await leases.take(id, instanceId, { durationMs: 0, seen: byKey.get(id)!, force: true });
          steals += 1;
          excess -= 1;
          if (taken) {
            held.set(id, taken);
            gained.push(id);
          }
        }
      }
    }

    counts.set(instanceId, held.size);
    instances = [...new Set([...liveOwners, ...instanceLeases.map((lease) => lease.owner).filter((o): o is string => o !== undefined)])]
      .map((id) => ({ id, live: liveOwners.has(id), leases: counts.get(id) ?? 0, self: id === instanceId }))
      .sort((a, b) => a.id.localeCompare(b.id));
    lastRebalanceAt = clock.now();
    lastError = undefined;
    changed(gained, lost);
  };

  const guarded = (what: string, fn: () => Promise<void>) => async () => {
    if (stopped) return;
    try {
      await fn();
    } catch (error) {
      if (stopped) return;
      lastError = error instanceof Error ? error.message : String(error);
      log.warn({ err: error, instance: instanceId }, `leases: ${what} failed; retrying at the next period`);
    }
  };

  const every = (ms: number, fn: () => Promise<void>) => {
    const tick = () => {
      if (stopped) return;
      void fn().finally(() => {
        if (!stopped) timers.push(clock.setTimer(tick, ms));
      });
    };
    timers.push(clock.setTimer(tick, ms));
  };

  const rebalance = (): Promise<void> => (running ??= guarded('rebalance', rebalanceOnce)().finally(() => (running = undefined)));

  return {
    instanceId,
    async start() {
      instanceLease = await takeInstanceLease();
      await rebalanceOnce();
      every(settings.heartbeatMs, guarded('heartbeat', heartbeat));
      every(settings.rebalanceMs, rebalance);
    },
    holds: (tenantId) => held.has(tenantId),
    async claimNew(tenantId) {
      if (held.has(tenantId)) return true;
      if (stopped) return false;
      const taken = await leases.take(tenantId, instanceId, { durationMs: 0 });
      if (taken) held.set(tenantId, taken);
      return taken !== undefined;
    },
    rebalance,
    heartbeat: guarded('heartbeat', heartbeat),
    snapshot: () => ({
      instanceId,
      instances,
      held: held.size,
      share,
      ...(lastRebalanceAt !== undefined ? { lastRebalanceAt } : {}),
      ...(lastError !== undefined ? { lastError } : {}),
    }),
    async stop() {
      if (stopped) return;
      stopped = true;
      abort.abort();
      for (const cancel of timers) cancel();
      timers = [];
      await running?.catch(() => undefined);
      const mine = [...held.values()];
      held.clear();
      const results = await Promise.allSettled([...mine, ...(instanceLease ? [instanceLease] : [])].map((lease) => leases.release(lease)));
      const failed = results.filter((r) => r.status === 'rejected' || r.value === false).length;
      log.info({ instance: instanceId, released: mine.length - failed, failed }, 'leases released');
    },
  };
}

/** `ids` rotated to start at a position derived from `seed`: a stable, per-instance order. */
function rotate(ids: string[], seed: string): string[] {
  if (ids.length === 0) return ids;
  let hash = 0;
  for (let i = 0; i < seed.length; i++) hash = (hash * 31 + seed.charCodeAt(i)) >>> 0;
  const at = hash % ids.length;
  return [...ids.slice(at), ...ids.slice(0, at)];
}

/**
 * The tenant source the runtime of a leased instance reads: only the tenants this instance holds.
 * `get` of a tenant nobody holds yet (just created through this instance's API) claims it, so a
 * new tenant starts at once instead of at the next rebalance.
 */
export function leasedTenantSource(inner: TenantSource, coordinator: Pick<LeaseCoordinator, 'holds' | 'claimNew'>): TenantSource {
  return {
    async *listTenants(signal) {
      for await (const tenant of inner.listTenants(signal)) if (coordinator.holds(tenant.id)) yield tenant;
    },
    async get(tenantId) {
      if (!coordinator.holds(tenantId) && !(await coordinator.claimNew(tenantId).catch(() => false))) return undefined;
      return inner.get ? inner.get(tenantId) : undefined;
    },
  };
}
