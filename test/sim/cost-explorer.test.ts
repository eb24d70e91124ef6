import t, { type Test } from 'tap';
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CostExplorerClient,
  GetAnomaliesCommand,
  GetCostAndUsageCommand,
  GetCostForecastCommand,
  GetRightsizingRecommendationCommand,
  type GetCostAndUsageCommandInput,
  type ResultByTime,
} from '@aws-sdk/client-cost-explorer';
import { startSimulator } from '../../src/sim/index.js';
import { COST_PAGE_ROWS } from '../../src/sim/services/cost-explorer.js';
import { T0, clientConfig, manualClock, rejection, sdkError } from './fixtures/sim-clients.js';

const ACCOUNT = '123456789012';
const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const TODAY = Math.floor(T0 / DAY) * DAY;
const EC2 = 'Amazon Elastic Compute Cloud - Compute';

async function allPages(ce: CostExplorerClient, input: GetCostAndUsageCommandInput): Promise<{ results: ResultByTime[]; pages: number }> {
  const results: ResultByTime[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await ce.send(new GetCostAndUsageCommand({ ...input, NextPageToken: token }));
    pages += 1;
    results.push(...(out.ResultsByTime ?? []));
    token = out.NextPageToken;
  } while (token);
  return { results, pages };
}

const byService = (r: ResultByTime, service: string) => Number(r.Groups?.find((g) => g.Keys?.[0] === service)?.Metrics?.UnblendedCost?.Amount ?? 0);

async function setup(t: Test, account = ACCOUNT) {
  const sim = await startSimulator({ now: manualClock().now });
  t.teardown(() => sim.close());
  return { sim, ce: new CostExplorerClient(clientConfig(sim, account)) };
}

t.test('GetCostAndUsage: a month of daily cost by service in one page, billed once', async (t) => {
  const { sim, ce } = await setup(t);
  const input = { TimePeriod: { Start: day(TODAY - 30 * DAY), End: day(TODAY) }, Granularity: 'DAILY' as const, Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'DIMENSION' as const, Key: 'SERVICE' }] };
  const { results, pages } = await allPages(ce, input);
  t.equal(pages, 1, 'one page, as AWS answers a month of daily cost by service');
  t.equal(results.length, 30);
  t.same(results.map((r) => r.TimePeriod?.Start), Array.from({ length: 30 }, (_, i) => day(TODAY - (30 - i) * DAY)), 'every day once, in order');
  const first = results[0];
  t.same(first?.Total, {}, 'grouped results carry an empty Total, as AWS sends');
  const services = new Set(results.flatMap((r) => r.Groups?.map((g) => g.Keys?.[0]) ?? []));
  for (const s of [EC2, 'Amazon Relational Database Service', 'Amazon Simple Storage Service', 'AWS Lambda', 'AmazonCloudWatch']) t.ok(services.has(s), s);
  t.match(first?.Groups?.[0]?.Metrics?.UnblendedCost, { Amount: /^\d+\.\d{10}$/, Unit: 'USD' });
  t.equal(sim.billable(ACCOUNT).costExplorerRequests, 1);
  t.same(sim.calls({ account: ACCOUNT, operation: 'GetCostAndUsage' }).map((c) => [c.status, c.billableUnits, c.region]), [[200, 1, 'us-east-1']]);

  const bad = sdkError(await rejection(() => ce.send(new GetCostAndUsageCommand({ ...input, NextPageToken: 'not-a-token' }))));
  t.match(bad, { name: 'InvalidNextTokenException', status: 400 });
  const reversed = sdkError(await rejection(() => ce.send(new GetCostAndUsageCommand({ ...input, TimePeriod: { Start: day(TODAY), End: day(TODAY - DAY) } }))));
  t.match(reversed, { name: 'ValidationException', status: 400 });
  t.equal(sim.billable(ACCOUNT).costExplorerRequests, 1, 'failed requests are not billed');
});

t.test('cost has a weekly shape, a trend, occasional spikes; today is partial, the future empty', async (t) => {
  const { ce } = await setup(t);
  const { results, pages } = await allPages(ce, { TimePeriod: { Start: day(TODAY - 364 * DAY), End: day(TODAY + 3 * DAY) }, Granularity: 'DAILY', Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }] });
  const rows = results.reduce((sum, r) => sum + Math.max(1, r.Groups?.length ?? 0), 0);
  t.equal(pages, Math.ceil(rows / COST_PAGE_ROWS), `a year by service (${rows} group rows) pages past ${COST_PAGE_ROWS} rows`);
  t.equal(results.length, 367, 'no day lost or repeated across pages');
  const past = results.slice(0, 364);
  const weekday = (r: ResultByTime) => new Date(`${r.TimePeriod?.Start}T00:00:00Z`).getUTCDay();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rds = past.map((r) => byService(r, 'Amazon Relational Database Service'));
  const weekends = mean(past.filter((r) => [0, 6].includes(weekday(r))).map((r) => byService(r, 'AWS Lambda')));
  const weekdays = mean(past.filter((r) => ![0, 6].includes(weekday(r))).map((r) => byService(r, 'AWS Lambda')));
  t.ok(weekends < weekdays * 0.85, `Lambda costs less at weekends (${weekends.toFixed(2)} vs ${weekdays.toFixed(2)})`);
  t.not(mean(rds.slice(0, 60)).toFixed(1), mean(rds.slice(-60)).toFixed(1), 'the level drifts over the year');
  const spiky = past.some((r, i) => i > 0 && byService(r, EC2) > 1.8 * byService(past[i - 1]!, EC2));
  t.ok(spiky, 'EC2 spikes now and then');
  const today = results[364];
  const yesterday = results[363];
  t.equal(today?.TimePeriod?.Start, day(TODAY));
  t.ok(byService(today!, 'Amazon Relational Database Service') < byService(yesterday!, 'Amazon Relational Database Service') * 0.7, 'today is half a day so far');
  t.equal(today?.Estimated, true, 'the current month is estimated');
  t.equal(results[0]?.Estimated, false, 'a closed month is final');
  t.same(results[365]?.Groups, [], 'no cost in the future');
});

t.test('ungrouped DAILY totals and MONTHLY buckets', async (t) => {
  const { ce } = await setup(t);
  const total = await ce.send(new GetCostAndUsageCommand({ TimePeriod: { Start: day(TODAY - 3 * DAY), End: day(TODAY) }, Granularity: 'DAILY', Metrics: ['UnblendedCost', 'BlendedCost'] }));
  t.match(total.ResultsByTime?.[0], { Total: { UnblendedCost: { Amount: /^\d+\.\d+$/, Unit: 'USD' }, BlendedCost: { Unit: 'USD' } }, Groups: [] });
  const { results, pages } = await allPages(ce, { TimePeriod: { Start: '2025-09-15', End: day(TODAY) }, Granularity: 'MONTHLY', Metrics: ['UnblendedCost'] });
  t.equal(results.length, 7, 'Sep 15 .. Mar 10: seven monthly buckets');
  t.equal(pages, 1, 'monthly buckets fit one page');
  t.same(results[0]?.TimePeriod, { Start: '2025-09-15', End: '2025-10-01' }, 'the first bucket is clipped to the period');
  t.same(results[6]?.TimePeriod, { Start: '2026-03-01', End: day(TODAY) });
});

t.test('data is deterministic per account and differs between accounts', async (t) => {
  const { sim, ce } = await setup(t);
  const input = { TimePeriod: { Start: day(TODAY - 7 * DAY), End: day(TODAY) }, Granularity: 'DAILY' as const, Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'DIMENSION' as const, Key: 'SERVICE' }] };
  const a = await ce.send(new GetCostAndUsageCommand(input));
  const again = await startSimulator({ now: manualClock().now });
  t.teardown(() => again.close());
  const b = await new CostExplorerClient(clientConfig(again, ACCOUNT)).send(new GetCostAndUsageCommand(input));
  t.same(b.ResultsByTime, a.ResultsByTime, 'same seed and account, same costs');
  const other = await new CostExplorerClient(clientConfig(sim, '999988887777')).send(new GetCostAndUsageCommand(input));
  t.not(JSON.stringify(other.ResultsByTime), JSON.stringify(a.ResultsByTime));
});

t.test('GetCostForecast follows the trend; a start in the past is refused', async (t) => {
  const { sim, ce } = await setup(t);
  const { results } = await allPages(ce, { TimePeriod: { Start: day(TODAY - 14 * DAY), End: day(TODAY) }, Granularity: 'DAILY', Metrics: ['UnblendedCost'] });
  const lastTwoWeeks = results.reduce((sum, r) => sum + Number(r.Total?.UnblendedCost?.Amount), 0);
  const forecast = await ce.send(new GetCostForecastCommand({ TimePeriod: { Start: day(TODAY), End: day(TODAY + 14 * DAY) }, Metric: 'UNBLENDED_COST', Granularity: 'DAILY' }));
  const mean = Number(forecast.Total?.Amount);
  t.equal(forecast.Total?.Unit, 'USD');
  t.ok(Math.abs(mean - lastTwoWeeks) / lastTwoWeeks < 0.35, `next two weeks (${mean.toFixed(0)}) near the last two (${lastTwoWeeks.toFixed(0)})`);
  t.equal(forecast.ForecastResultsByTime?.length, 14);
  for (const r of forecast.ForecastResultsByTime ?? []) {
    t.ok(Number(r.PredictionIntervalLowerBound) <= Number(r.MeanValue) && Number(r.MeanValue) <= Number(r.PredictionIntervalUpperBound), 'lower <= mean <= upper');
  }
  const monthly = await ce.send(new GetCostForecastCommand({ TimePeriod: { Start: day(TODAY), End: '2026-05-01' }, Metric: 'UNBLENDED_COST', Granularity: 'MONTHLY' }));
  t.same(monthly.ForecastResultsByTime?.map((r) => r.TimePeriod), [{ Start: day(TODAY), End: '2026-04-01' }, { Start: '2026-04-01', End: '2026-05-01' }]);
  const past = sdkError(await rejection(() => ce.send(new GetCostForecastCommand({ TimePeriod: { Start: day(TODAY - DAY), End: day(TODAY + DAY) }, Metric: 'UNBLENDED_COST', Granularity: 'DAILY' }))));
  t.match(past, { name: 'ValidationException', status: 400 });
  t.equal(sim.billable(ACCOUNT).costExplorerRequests, 1 + 2, 'forecasts are billed like any request');
});

t.test('GetAnomalies reports the spike days, with their impact', async (t) => {
  const { ce } = await setup(t);
  const out = await ce.send(new GetAnomaliesCommand({ DateInterval: { StartDate: day(TODAY - 180 * DAY) }, MaxResults: 100 }));
  const anomalies = out.Anomalies ?? [];
  t.ok(anomalies.length >= 2, `${anomalies.length} anomalies in 180 days`);
  for (const a of anomalies) {
    t.match(a, { AnomalyId: /^[0-9a-f-]{36}$/, AnomalyStartDate: /^\d{4}-\d{2}-\d{2}T00:00:00Z$/, MonitorArn: new RegExp(`^arn:aws:ce::${ACCOUNT}:anomalymonitor/`), RootCauses: [{ Service: String }] });
    t.ok((a.Impact?.TotalImpact ?? 0) > 0 && (a.Impact?.TotalActualSpend ?? 0) > (a.Impact?.TotalExpectedSpend ?? 0), 'a spike costs more than expected');
  }
  const spike = anomalies[0]!;
  const spikeDay = spike.AnomalyStartDate!.slice(0, 10);
  const around = await ce.send(new GetCostAndUsageCommand({ TimePeriod: { Start: spikeDay, End: day(Date.parse(spikeDay) + DAY) }, Granularity: 'DAILY', Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }] }));
  t.equal(byService(around.ResultsByTime![0]!, spike.RootCauses![0]!.Service!).toFixed(2), spike.Impact?.TotalActualSpend?.toFixed(2), 'the anomaly matches the daily cost');
  const big = await ce.send(new GetAnomaliesCommand({ DateInterval: { StartDate: day(TODAY - 180 * DAY) }, TotalImpact: { NumericOperator: 'GREATER_THAN_OR_EQUAL', StartValue: 1e9 } }));
  t.same(big.Anomalies, [], 'the impact filter applies');
  const paged = await ce.send(new GetAnomaliesCommand({ DateInterval: { StartDate: day(TODAY - 180 * DAY) }, MaxResults: 1 }));
  t.equal(paged.Anomalies?.length, 1);
  t.type(paged.NextPageToken, 'string');
});

t.test('rightsizing recommends the idle instances CloudWatch shows', async (t) => {
  const { sim, ce } = await setup(t);
  const out = await ce.send(new GetRightsizingRecommendationCommand({ Service: 'AmazonEC2' }));
  const recs = out.RightsizingRecommendations ?? [];
  t.ok(recs.length >= 1);
  t.equal(out.Summary?.TotalRecommendationCount, String(recs.length));
  for (const r of recs) {
    t.ok(r.RightsizingType === 'MODIFY' || r.RightsizingType === 'TERMINATE', String(r.RightsizingType));
    const saving = Number(r.RightsizingType === 'MODIFY' ? r.ModifyRecommendationDetail?.TargetInstances?.[0]?.EstimatedMonthlySavings : r.TerminateRecommendationDetail?.EstimatedMonthlySavings);
    t.ok(saving > 0, `saves ${saving} USD a month`);
    if (r.RightsizingType === 'MODIFY') t.not(r.ModifyRecommendationDetail?.TargetInstances?.[0]?.ResourceDetails?.EC2ResourceDetails?.InstanceType, r.CurrentInstance?.ResourceDetails?.EC2ResourceDetails?.InstanceType);
  }
  const usEast = recs.filter((r) => r.CurrentInstance?.ResourceDetails?.EC2ResourceDetails?.Region === 'US East (N. Virginia)');
  t.ok(usEast.length >= 1, 'the first region always has an idle instance');
  const cw = new CloudWatchClient(clientConfig(sim, ACCOUNT));
  for (const r of usEast) {
    const id = r.CurrentInstance?.ResourceId;
    const metric = (await cw.send(new ListMetricsCommand({ Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'InstanceId', Value: id }] }))).Metrics?.[0];
    const data = await cw.send(new GetMetricDataCommand({ StartTime: new Date(T0 - 14 * DAY), EndTime: new Date(T0), MetricDataQueries: [{ Id: 'cpu', MetricStat: { Metric: metric, Period: 86400, Stat: 'Average' } }] }));
    const values = data.MetricDataResults?.[0]?.Values ?? [];
    t.ok(values.length === 14 && values.every((v) => v < 5), `${id} is idle in CloudWatch too`);
  }
  const wrong = sdkError(await rejection(() => ce.send(new GetRightsizingRecommendationCommand({ Service: 'AmazonRDS' }))));
  t.match(wrong, { name: 'ValidationException', status: 400 });
});

t.test('an unknown Cost Explorer operation is UnknownOperationException', async (t) => {
  const { ce } = await setup(t);
  ce.middlewareStack.add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amz-target'] = 'AWSInsightsIndexService.GetFreeMoney';
      return next(args);
    },
    { step: 'build' },
  );
  t.match(sdkError(await rejection(() => ce.send(new GetRightsizingRecommendationCommand({ Service: 'AmazonEC2' })))), { name: 'UnknownOperationException', status: 400 });
});
