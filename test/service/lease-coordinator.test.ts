/**
 * Leases between instances (issue 14), against the embedded store through the real SDK: three
 * coordinators share 30 tenants fairly, a dead one's tenants move after its instance lease
 * expires, a clean stop hands its tenants over at the next rebalance, and at every point after a
 * full round no tenant is held twice. Time is a ManualClock; rebalances are called explicitly.
 */
import t from 'tap';
import { ManualClock } from '../../src/domain/manual-clock.js';
import { silentLogger } from '../../src/log.js';
import { createLeaseCoordinator, leasedTenantSource, type LeaseCoordinator } from '../../src/service/lease-coordinator.js';
import type { Tenant, TenantSource } from '../../src/domain/tenant.js';
import { openTestStore } from '../store/fixtures/store.js';

const SETTINGS = { heartbeatMs: 1_000_000, instanceTtlMs: 30_000, rebalanceMs: 1_000_000, maxStealsPerRebalance: 100 };

t.test('three instances share the tenants, survive a death and a clean stop, and never hold one twice', async (t) => {
  const clock = new ManualClock();
  const { store } = await openTestStore(t, { now: () => clock.now() });
  let tenantIds = Array.from({ length: 30 }, (_, i) => `t-${String(i).padStart(3, '0')}`);
  const changes = new Map<string, { gained: number; lost: number }>();
  const coordinator = (id: string): LeaseCoordinator =>
    createLeaseCoordinator({
      leases: store.leases,
      tenantIds: async () => tenantIds,
      clock,
      log: silentLogger(),
      instanceId: id,
      settings: SETTINGS,
      onChange: ({ gained, lost }) => {
        const c = changes.get(id) ?? { gained: 0, lost: 0 };
        changes.set(id, { gained: c.gained + gained.length, lost: c.lost + lost.length });
      },
    });
  const held = (c: LeaseCoordinator) => tenantIds.filter((id) => c.holds(id));
  const disjoint = (cs: LeaseCoordinator[]) => {
    const seen = new Set<string>();
    for (const c of cs) for (const id of held(c)) {
      if (seen.has(id)) return false;
      seen.add(id);
    }
    return true;
  };
  const round = async (cs: LeaseCoordinator[]) => {
    for (const c of cs) await c.heartbeat();
    for (const c of cs) await c.rebalance();
  };

  const a = coordinator('a');
  await a.start();
  t.equal(held(a).length, 30, 'alone, the first instance takes every tenant');

  const b = coordinator('b');
  const c = coordinator('c');
  await b.start();
  await c.start();
  await round([a, b, c]);
  await round([a, b, c]);
  t.same([held(a).length, held(b).length, held(c).length], [10, 10, 10], 'three instances converge on 10 each');
  t.ok(disjoint([a, b, c]), 'no tenant held twice after a full round');
  t.equal(changes.get('a')?.lost, 20, 'the first instance gave up exactly its excess');
  const snapshot = a.snapshot();
  t.same(snapshot.instances.map((i) => [i.id, i.live, i.leases]), [['a', true, 10], ['b', true, 10], ['c', true, 10]], 'the snapshot lists the instances and their lease counts');

  // c dies: no heartbeat, no release. Within its TTL nobody takes its tenants.
  const cTenants = held(c);
  await clock.advance(10_000);
  await round([a, b]);
  t.ok(cTenants.every((id) => !a.holds(id) && !b.holds(id)), 'a live instance keeps its tenants');
  await clock.advance(30_000);
  await round([a, b]);
  t.same([held(a).length, held(b).length], [15, 15], 'after the TTL its tenants are split between the survivors');
  t.ok(disjoint([a, b]), 'still none held twice');
  t.ok(cTenants.every((id) => a.holds(id) || b.holds(id)), 'every one of the dead instance\'s tenants is collected again');

  // A new tenant created through b starts on b at once.
  tenantIds = [...tenantIds, 't-new'];
  t.ok(await b.claimNew('t-new'), 'a new tenant is claimed by the instance that created it');
  t.notOk(await a.claimNew('t-new'), 'and not by another');
  const source: TenantSource = leasedTenantSource(
    { async *listTenants() { for (const id of tenantIds) yield { id } as Tenant; }, get: async (id) => ({ id }) as Tenant },
    b,
  );
  const listed: string[] = [];
  for await (const tenant of source.listTenants()) listed.push(tenant.id);
  t.same(listed, held(b), 'the leased source lists only the tenants held');
  t.equal(await leasedTenantSource({ listTenants: source.listTenants, get: async (id) => ({ id }) as Tenant }, a).get!('t-new'), undefined, 'another instance\'s tenant reads as absent');

  // b stops cleanly: its leases are released and a takes them at its next rebalance, no TTL wait.
  await b.stop();
  await round([a]);
  t.equal(held(a).length, 31, 'after a clean stop the remaining instance holds every tenant at once');
  await a.stop();
  const left = await store.leases.list();
  t.same(left.filter((lease) => lease.owner !== undefined).map((lease) => lease.key), ['instance#c'], 'clean stops leave no lease owned (only the dead instance\'s expired instance lease remains)');
});

t.test('two instances racing for the same free tenants: each tenant is won exactly once', async (t) => {
  const clock = new ManualClock();
  const { store } = await openTestStore(t, { now: () => clock.now() });
  const tenantIds = Array.from({ length: 40 }, (_, i) => `r-${i}`);
  const make = (id: string) =>
    createLeaseCoordinator({ leases: store.leases, tenantIds: async () => tenantIds, clock, log: silentLogger(), instanceId: id, settings: SETTINGS, onChange: () => {} });
  const x = make('x');
  const y = make('y');
  await Promise.all([x.start(), y.start()]);
  const both = tenantIds.filter((id) => x.holds(id) && y.holds(id));
  t.same(both, [], 'no tenant won by both');
  await Promise.all([x.rebalance(), y.rebalance()]);
  await Promise.all([x.rebalance(), y.rebalance()]);
  t.equal(tenantIds.filter((id) => x.holds(id) || y.holds(id)).length, 40, 'every tenant is held');
  t.same(tenantIds.filter((id) => x.holds(id) && y.holds(id)), [], 'none twice');
  await Promise.all([x.stop(), y.stop()]);
});
