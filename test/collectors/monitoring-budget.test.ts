import t from 'tap';
import { cadenceOf, COLLECTOR_TICK_MS, STEP_CADENCES } from '../../src/collectors/cadences.js';
import { costExplorerRequestsPerMonth, feeGuide, meterShapeOf, metricsRequestedPerMonth, monitoringPlan, projectMonthlyFee, stretchFor } from '../../src/collectors/monitoring-budget.js';
import { costRanges, REVISED_DAYS } from '../../src/collectors/cost-job.js';

const MIN = 60_000;
const shape = { headlineMetrics: 164, otherMetrics: 364, dailyMetrics: 14 };

t.test('the default cadences: alarms and GuardDuty free and frequent, paid steps on their own cadence', async (t) => {
  t.equal(STEP_CADENCES.metrics.DescribeAlarms.everyMs, 5 * MIN);
  t.equal(STEP_CADENCES.metrics['GetMetricData:headline'].everyMs, 15 * MIN);
  t.equal(STEP_CADENCES.metrics['GetMetricData:other'].everyMs, 60 * MIN);
  t.equal(STEP_CADENCES.security.ListFindings.everyMs, 15 * MIN);
  t.ok(STEP_CADENCES.cost['GetCostAndUsage:recent'].everyMs <= 12 * 60 * MIN);
  t.equal(COLLECTOR_TICK_MS.metrics, 5 * MIN, 'the metrics collector ticks at its fastest step');
  t.equal(cadenceOf('metrics', 'DescribeAlarms', 4), 5 * MIN, 'a free step never stretches');
  t.equal(cadenceOf('metrics', 'GetMetricData:headline', 4), 60 * MIN, 'a paid step does');
});

t.test('a month: GetMetricData per metric and tier, Cost Explorer five requests a day', async (t) => {
  t.equal(costExplorerRequestsPerMonth(), 150, '2 daily-cost + forecast + anomalies + rightsizing, x 30');
  t.equal(metricsRequestedPerMonth({ headlineMetrics: 1, otherMetrics: 0, dailyMetrics: 0 }), 2_880);
  t.equal(metricsRequestedPerMonth({ headlineMetrics: 0, otherMetrics: 1, dailyMetrics: 0 }), 720);
  t.equal(metricsRequestedPerMonth({ headlineMetrics: 0, otherMetrics: 0, dailyMetrics: 1 }), 120, 'daily metrics every 6 h');
  const fee = projectMonthlyFee([shape]);
  t.equal(fee.getMetricDataMetrics, 164 * 2_880 + 364 * 720 + 14 * 120);
  t.equal(fee.totalUsd, Math.round((fee.getMetricDataMetrics * 0.00001 + 1.5) * 10_000) / 10_000);
  const guide = feeGuide();
  t.equal(guide.costExplorerUsdPerAccount, 1.5);
  t.equal(guide.reference.feeUsd, fee.totalUsd, 'the guide quotes the reference projection');
});

t.test('a cap stretches the paid cadences just enough; none or a generous one leaves them', async (t) => {
  t.equal(stretchFor([shape], undefined), 1);
  t.equal(stretchFor([shape], 0), 1, '0 means no cap');
  t.equal(stretchFor([shape], 100), 1);
  for (const cap of [3, 1, 0.5]) {
    const stretch = stretchFor([shape], cap);
    t.ok(stretch > 1, `cap $${cap}: stretched x${stretch}`);
    t.ok(projectMonthlyFee([shape], stretch).totalUsd <= cap, 'under the cap');
    t.ok(projectMonthlyFee([shape], stretch * 0.95).totalUsd > cap * 0.98, 'and not much further');
  }
  const plan = monitoringPlan([shape], 1);
  t.equal(plan.capUsd, 1);
  t.ok(plan.plannedFee.totalUsd <= 1 && plan.defaultFee.totalUsd > 1);
  const alarms = plan.freshness.find((l) => l.step === 'DescribeAlarms');
  const headline = plan.freshness.find((l) => l.step === 'GetMetricData:headline');
  t.equal(alarms?.everyMs, 5 * MIN, 'alarm states keep their 5 minutes under the cap');
  t.ok((headline?.everyMs ?? 0) > 15 * MIN, 'the headline metrics are read less often');
});

t.test('the tiers of stored series: headline per catalog service, daily by period, the rest other', async (t) => {
  const series = (namespace: string, metricName: string, dims: string[], periodSec = 300) => ({ metric: { namespace, metricName, dimensions: dims.map((name) => ({ name })) }, periodSec });
  const counted = meterShapeOf('a', [
    series('AWS/EC2', 'CPUUtilization', ['InstanceId']),
    series('AWS/EC2', 'StatusCheckFailed', ['InstanceId']),
    series('AWS/S3', 'BucketSizeBytes', ['BucketName', 'StorageType'], 86_400),
    series('MyApp', 'Orders', ['Shop']),
  ]);
  t.same(counted, { accountId: 'a', headlineMetrics: 1, otherMetrics: 2, dailyMetrics: 1 });
});

t.test('a cost run asks for the days AWS may still revise, or the month', async (t) => {
  const ranges = costRanges(Date.parse('2026-03-10T08:00:00Z'));
  t.same(ranges.recent, { start: `2026-03-${String(10 - REVISED_DAYS).padStart(2, '0')}`, end: '2026-03-11' });
  t.same(ranges.daily, { start: '2026-02-08', end: '2026-03-11' }, 'month to date and 30 days back');
});

t.test('connecting costs once: 24 h of every metric (one request each) and three Cost Explorer history pages', async (t) => {
  const guide = feeGuide();
  // The reference account's history by service and region, as test/collectors/cost-history.test.ts measures it.
  t.equal(guide.oneOff.costHistoryRequests, 3);
  t.equal(guide.oneOff.costHistoryUsd, 0.03);
  // 542 metrics: the reference shape, which test/collectors/metrics-backfill.test.ts measures against the simulator.
  t.equal(guide.oneOff.referenceUsd, 0.0354, '$0.0054 of GetMetricData + $0.03 of Cost Explorer');
});
