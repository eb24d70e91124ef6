/**
 * The monitoring budget through the API (issue 15): the fee guide before connecting, the cap
 * setting (admin only, validated), the overview's planned fee, cap and freshness; and the cost
 * page's anomalies with their root causes.
 */
import t from 'tap';
import { signIn, startWorld } from './fixtures/harness.js';
import { seed } from './fixtures/seed.js';

t.test('fee guide, cap, planned fee and freshness; anomalies with root causes', async (t) => {
  const w = await startWorld(t);
  const { a, accountId, today } = await seed(w);

  const onboarding = await w.request('GET', '/api/accounts/onboarding', { cookie: a.cookie });
  t.equal(onboarding.status, 200);
  t.match(onboarding.json.monitoringFee, { costExplorerUsdPerAccount: 1.5, headlineMetricUsd: 0.0288, otherMetricUsd: 0.0072, capUsd: null });
  t.ok(onboarding.json.monitoringFee.reference.feeUsd > 3, 'the reference account is quoted as measured, over $3 at the default freshness');

  for (const monitoringCapUsd of [0, -1, 0.001, 1e7, 'x']) {
    const refused = await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { monitoringCapUsd } });
    t.equal(refused.status, 400, `cap ${String(monitoringCapUsd)} refused`);
  }
  let overview = await w.request('GET', '/api/overview', { cookie: a.cookie });
  const uncapped = overview.json.monitoringCost;
  t.equal(uncapped.capUsd, null);
  t.equal(uncapped.stretch, 1);
  t.ok(uncapped.defaultFeeUsd >= 1.5, `the default fee counts Cost Explorer and the stored series ($${uncapped.defaultFeeUsd})`);
  t.equal(uncapped.plannedFeeUsd, uncapped.defaultFeeUsd);

  const saved = await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { monitoringCapUsd: 0.5 } });
  t.equal(saved.status, 200);
  t.equal(saved.json.monitoringCapUsd, 0.5);
  overview = await w.request('GET', '/api/overview', { cookie: a.cookie });
  const capped = overview.json.monitoringCost;
  t.equal(capped.capUsd, 0.5);
  t.ok(capped.stretch > 1 && capped.plannedFeeUsd <= 0.5, `stretched x${capped.stretch} to $${capped.plannedFeeUsd}`);
  const line = (step: string) => capped.freshness.find((l: { step: string }) => l.step === step);
  t.equal(line('DescribeAlarms').everyMs, 5 * 60_000, 'alarm states keep their 5 minutes');
  t.ok(line('GetMetricData:headline').everyMs > line('GetMetricData:headline').defaultEveryMs, 'paid metrics are read less often');
  t.equal((await w.request('GET', '/api/settings', { cookie: a.cookie })).json.monitoringCapUsd, 0.5);
  const removed = await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { monitoringCapUsd: null } });
  t.equal(removed.json.monitoringCapUsd, null, 'null removes the cap');

  // Anomalies as Cost Explorer gives them are shown on the cost page, with root causes.
  const day = today.slice(0, 8) + '01' < today ? `${today.slice(0, 8)}01` : today;
  await w.store.results.write({
    kind: 'cost',
    tenantId: a.tenantId,
    accountId,
    collectedAt: new Date(w.clock.now).toISOString(),
    anomalies: [{ id: 'an-1', startDay: day, service: 'Amazon Elastic Compute Cloud - Compute', impactUsd: 90.123, score: 0.9, rootCauses: [{ service: 'Amazon Elastic Compute Cloud - Compute', region: 'us-east-1', usageType: 'BoxUsage:m5.xlarge' }] }],
  });
  const costs = await w.request('GET', '/api/costs', { cookie: a.cookie });
  t.equal(costs.status, 200);
  t.match(costs.json.anomalies, [{ id: 'an-1', accountId, startDay: day, impactUsd: 90.123, rootCauses: [{ region: 'us-east-1', usageType: 'BoxUsage:m5.xlarge' }] }]);
  const other = await signIn(w, 'other-tenant@example.com');
  t.same((await w.request('GET', '/api/costs', { cookie: other.cookie })).json.anomalies, [], "another tenant sees none of them");
});
