import t from 'tap';
import { harness, MINUTE } from '../support/harness.js';
import { makeTenant } from '../support/fakes.js';

t.test('tenants added and removed at the source appear and disappear at reconcile', async (t) => {
  const h = harness({ reconcileIntervalMs: MINUTE });
  t.teardown(() => h.stop());
  h.source.put(makeTenant('a'));
  h.source.put(makeTenant('b'));
  t.match(await h.runtime.start(), { added: 2, removed: 0, total: 2 });
  await h.clock.advance(0);
  t.same(h.runtime.registry.list().map((x) => x.tenantId).sort(), ['a', 'b']);

  h.source.put(makeTenant('c'));
  h.source.delete('a');
  await h.clock.advance(MINUTE); // the periodic reconcile
  t.same(h.runtime.registry.list().map((x) => x.tenantId).sort(), ['b', 'c']);
  const writesForA = h.sink.writesFor('a').length;
  await h.clock.advance(60 * MINUTE);
  t.equal(h.sink.writesFor('a').length, writesForA, 'a removed tenant collects nothing more');
  t.ok(h.sink.writesFor('c').length > 0, 'the new tenant collects');
});

t.test('changed settings are applied without a restart', async (t) => {
  const h = harness({ intervalsMs: { metrics: 10 * MINUTE } });
  t.teardown(() => h.stop());
  h.source.put(makeTenant('a'));
  await h.runtime.start();
  await h.clock.advance(30 * MINUTE);
  const before = h.runtime.registry.collector('a', 'metrics')!.runs;
  h.source.put({ ...makeTenant('a', { revision: 2 }), settings: { intervalsMs: { metrics: 2 * MINUTE } } });
  t.match(await h.runtime.reconcile(), { changed: 1 });
  await h.clock.advance(30 * MINUTE);
  const after = h.runtime.registry.collector('a', 'metrics')!;
  t.ok(after.runs - before >= 14, `runs every 2 min after the change (${after.runs - before} in 30 min)`);
  t.equal(after.restarts, 0);
  t.equal(h.runtime.registry.get('a')!.restarts, 0, 'no tenant restart needed');
});

t.test('a listing that fails part-way removes nobody', async (t) => {
  const h = harness();
  t.teardown(() => h.stop());
  for (const id of ['a', 'b', 'c']) h.source.put(makeTenant(id));
  await h.runtime.start();
  h.source.failNext = true;
  await t.rejects(h.runtime.reconcile(), /part-way/);
  t.equal(h.runtime.registry.size, 3);
  t.match(h.runtime.registry.fleet().lastReconcileError, { kind: 'bug', message: /part-way/ });
  await h.runtime.reconcile();
  t.equal(h.runtime.registry.fleet().lastReconcileError, undefined);
});

t.test('an operator restart starts a tenant afresh', async (t) => {
  const h = harness();
  t.teardown(() => h.stop());
  h.source.put(makeTenant('a'));
  await h.runtime.start();
  await h.clock.advance(0);
  const runs = h.runtime.registry.collector('a', 'cost')!.runs;
  t.equal(h.runtime.restartTenant('a'), true);
  t.equal(h.runtime.restartTenant('nobody'), false, 'unknown tenant');
  await h.clock.advance(0);
  t.equal(h.runtime.registry.get('a')!.state, 'running');
  t.equal(h.runtime.registry.collector('a', 'cost')!.runs, runs + 1, 'its collectors ran again at start');
});

t.test('one changed tenant is applied at once without listing every tenant', async (t) => {
  const h = harness({ reconcileIntervalMs: 60 * MINUTE });
  t.teardown(() => h.stop());
  h.source.put(makeTenant('a'));
  await h.runtime.start();
  const listings = h.source.listings;
  h.source.put(makeTenant('new'));
  t.match(await h.runtime.refreshTenant('new'), { added: 1, total: 2 });
  h.source.put(makeTenant('a', { revision: 2 }));
  t.match(await h.runtime.refreshTenant('a'), { changed: 1 });
  t.match(await h.runtime.refreshTenant('a'), { added: 0, changed: 0, removed: 0 }, 'unchanged: nothing to do');
  h.source.delete('a');
  t.match(await h.runtime.refreshTenant('a'), { removed: 1, total: 1 });
  await h.clock.advance(0);
  t.equal(h.source.listings, listings, 'no full listing');
  t.same(h.runtime.registry.list().map((x) => x.tenantId), ['new']);
  t.ok(h.sink.writesFor('new').length > 0, 'the new tenant collects');
});
