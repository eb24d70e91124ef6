/** Cost per region in the real store on dynalite: stored beside the per-service sums in the same day item; days stored before regions read as `unknown`. */
import t from 'tap';
import { openTestStore } from './fixtures/store.js';

t.test('regions are summed per day item; a day without them reads as one unknown row of its total', async (t) => {
  const { store } = await openTestStore(t);
  const tenant = await store.tenants.create({ name: 'Acme' });
  const account = await store.tenants.addAccount(tenant.id, { name: 'prod', awsAccountId: '123456789012', regions: ['us-east-1'], credentials: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor' } });
  const base = { kind: 'cost' as const, tenantId: tenant.id, accountId: account.id, collectedAt: '2026-03-03T00:00:00Z' };
  // An old run: no region on its rows.
  await store.costs.write({ ...base, daily: [{ day: '2026-03-01', service: 'AWS Lambda', amountUsd: 4 }] });
  await store.costs.write({
    ...base,
    daily: [
      { day: '2026-03-02', service: 'AWS Lambda', region: 'us-east-1', amountUsd: 1 },
      { day: '2026-03-02', service: 'Amazon Simple Storage Service', region: 'us-east-1', amountUsd: 2 },
      { day: '2026-03-02', service: 'AWS Lambda', region: 'eu-west-1', amountUsd: 3 },
    ],
  });
  const rows = await store.costs.dailyByRegion(tenant.id, { start: '2026-03-01', end: '2026-03-03' });
  t.same(
    rows.map((r) => [r.day, r.region, r.amountUsd]).sort(),
    [['2026-03-01', 'unknown', 4], ['2026-03-02', 'eu-west-1', 3], ['2026-03-02', 'us-east-1', 3]].sort(),
  );
  const services = await store.costs.daily(tenant.id, { start: '2026-03-02', end: '2026-03-03' });
  t.same(services.map((r) => [r.service, r.amountUsd]).sort(), [['AWS Lambda', 4], ['Amazon Simple Storage Service', 2]].sort(), 'the per-service view sums the regions');
});
