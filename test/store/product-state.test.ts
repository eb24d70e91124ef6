import t from 'tap';
import type { RecommendationInput } from '../../src/store/index.js';
import { openTestStore } from './fixtures/store.js';

const rec = (id: string, extra: Partial<RecommendationInput> = {}): RecommendationInput => ({
  id,
  accountId: 'a-1',
  rule: 'ec2-idle',
  resourceId: id,
  title: `Stop idle instance ${id}`,
  detail: 'CPU under 5% for 14 days',
  severity: 'warning',
  monthlySavingUsd: 30,
  ...extra,
});

t.test('recommendations: a dismissed one stays dismissed when the rules regenerate it', async (t) => {
  let clock = Date.parse('2026-03-01T00:00:00Z');
  const { store, getItem } = await openTestStore(t, { now: () => clock });
  await store.recommendations.sync('t-a', [rec('i-1'), rec('i-2', { monthlySavingUsd: 50 })]);
  let list = await store.recommendations.list('t-a');
  t.same(list.map((r) => [r.id, r.status, r.active]), [['i-2', 'open', true], ['i-1', 'open', true]], 'ordered by saving');
  const raw = await getItem('recommendations', { pk: 't-a', sk: 'i-1' });
  t.equal(raw?.ttl, Math.floor(clock / 1000) + 180 * 86_400, 'TTL 180 days');

  t.match(await store.recommendations.setStatus('t-a', 'i-1', 'dismissed'), { id: 'i-1', status: 'dismissed' });
  t.equal(await store.recommendations.setStatus('t-a', 'nope', 'done'), undefined);
  await t.rejects(store.recommendations.setStatus('t-a', 'i-1', 'bogus' as never), { code: 'INVALID_STATUS' });

  clock += 2 * 86_400_000;
  await store.recommendations.sync('t-a', [rec('i-1', { detail: 'CPU under 3%' }), rec('i-2', { monthlySavingUsd: 50 })]);
  list = await store.recommendations.list('t-a');
  t.match(list.find((r) => r.id === 'i-1'), { status: 'dismissed', detail: 'CPU under 3%', active: true }, 'details refreshed, decision kept');
  t.same((await store.recommendations.list('t-a', { status: 'open' })).map((r) => r.id), ['i-2']);

  await store.recommendations.sync('t-a', [rec('i-1')]);
  t.same((await store.recommendations.list('t-a')).map((r) => r.id), ['i-1'], 'no longer produced: inactive');
  t.equal((await store.recommendations.list('t-a', { includeInactive: true })).length, 2);
  await store.recommendations.sync('t-a', [], { accountId: 'a-other' });
  t.same((await store.recommendations.list('t-a')).map((r) => r.id), ['i-1'], 'a scoped sync leaves other accounts alone');

  store.capacity.reset();
  await store.recommendations.sync('t-a', [rec('i-1')]);
  t.equal(store.capacity.snapshot().recommendations?.UpdateItem, undefined, 'an unchanged set is not rewritten');
  t.equal((await store.recommendations.list('t-b')).length, 0, 'per tenant');
});

t.test('alert markers: insert-if-absent; a rising severity alerts again', async (t) => {
  const { store, getItem } = await openTestStore(t);
  const base = { accountId: 'a-1', findingId: 'f-1' };
  const claims = await Promise.all([1, 2, 3].map(() => store.alerts.claimFindingAlert('t-a', { ...base, severity: 5 })));
  t.same(claims.filter(Boolean).length, 1, 'one of three racing claimers sends');
  t.equal(await store.alerts.claimFindingAlert('t-a', { ...base, severity: 6.5 }), false, 'same band: no new alert');
  t.equal(await store.alerts.claimFindingAlert('t-a', { ...base, severity: 8 }), true, 'rose to high: alert again');
  t.equal(await store.alerts.claimFindingAlert('t-a', { ...base, severity: 5 }), false, 'back to medium: already alerted');
  t.equal(await store.alerts.claimFindingAlert('t-b', { ...base, severity: 5 }), true, 'per tenant');
  t.ok((await getItem('alerts', { pk: 't-a', sk: 'finding#a-1#f-1#medium' }))?.ttl, 'TTL attribute set');

  t.equal(await store.alerts.claim('t-a', 'digest#2026-03-01#u-1', 86_400_000), true);
  t.equal(await store.alerts.claim('t-a', 'digest#2026-03-01#u-1', 86_400_000), false);
  await store.alerts.release('t-a', 'digest#2026-03-01#u-1');
  t.equal(await store.alerts.claim('t-a', 'digest#2026-03-01#u-1', 86_400_000), true, 'released: may be sent again');
});

t.test('leases: conditional take, renew, steal and release (KCL pattern)', async (t) => {
  let clock = 1_000_000;
  const { store } = await openTestStore(t, { now: () => clock });
  const a = await store.leases.take('t-1', 'instance-a', { durationMs: 10_000 });
  t.match(a, { key: 't-1', owner: 'instance-a', counter: 1, expiresAt: 1_010_000 });
  t.equal(await store.leases.take('t-1', 'instance-b', { durationMs: 10_000 }), undefined, 'exists: cannot be created again');
  t.equal(await store.leases.take('t-1', 'instance-b', { durationMs: 10_000, seen: { counter: 1 } }), undefined, 'not expired');

  const renewed = await store.leases.renew(a as NonNullable<typeof a>, 10_000);
  t.match(renewed, { counter: 2, owner: 'instance-a' });
  clock += 30_000;
  t.equal(await store.leases.take('t-1', 'instance-b', { durationMs: 10_000, seen: { counter: 1 } }), undefined, 'a stale observation loses');
  const racing = await Promise.all(['instance-b', 'instance-c'].map((owner) => store.leases.take('t-1', owner, { durationMs: 10_000, seen: { counter: 2 } })));
  t.equal(racing.filter(Boolean).length, 1, 'two takers of an expired lease: one wins');
  const b = racing.find(Boolean);
  t.equal(b?.counter, 3);
  t.equal(await store.leases.renew(renewed as NonNullable<typeof renewed>, 10_000), undefined, 'the old owner learns it lost the lease');

  const stolen = await store.leases.take('t-1', 'instance-a', { durationMs: 10_000, seen: { counter: 3 }, force: true });
  t.match(stolen, { owner: 'instance-a', counter: 4 }, 'stolen for balance while unexpired');
  t.equal(await store.leases.release(stolen as NonNullable<typeof stolen>), true);
  const released = await store.leases.get('t-1');
  t.match(released, { counter: 5 });
  t.equal(released?.owner, undefined);
  t.ok(await store.leases.take('t-1', 'instance-c', { durationMs: 10_000, seen: { counter: 5 } }), 'a released lease is taken at once');

  await store.leases.take('t-2', 'instance-c', { durationMs: 10_000 });
  await store.leases.take('shard-07', 'instance-c', { durationMs: 10_000 });
  t.same((await store.leases.list()).map((l) => l.key).sort(), ['shard-07', 't-1', 't-2']);
});

t.test('usage ledger: billable calls counted per month and account', async (t) => {
  const { store } = await openTestStore(t);
  const at = Date.parse('2026-03-15T00:00:00Z');
  await store.usage.add('t-a', 'a-1', { 'ce:GetCostAndUsage': 2, 'cloudwatch:metrics': 300 }, at);
  await Promise.all([1, 2, 3].map(() => store.usage.add('t-a', 'a-1', { 'ce:GetCostAndUsage': 1 }, at)));
  await store.usage.add('t-a', 'a-2', { 'guardduty:ListFindings': 4 }, at);
  await store.usage.add('t-a', 'a-1', { 'ce:GetCostAndUsage': 9 }, Date.parse('2026-04-01T00:00:00Z'));
  const march = await store.usage.month('t-a', '2026-03');
  t.same(march.find((r) => r.accountId === 'a-1')?.counts, { 'ce:GetCostAndUsage': 5, 'cloudwatch:metrics': 300 });
  t.same(march.find((r) => r.accountId === 'a-2')?.counts, { 'guardduty:ListFindings': 4 });
  t.equal(march.length, 2);
});
