/** CloudWatch end to end through the real SDK against the simulator. */
import t from 'tap';
import type { MetricRef } from '../../src/domain/records.js';
import { isAbortError } from '../../src/domain/errors.js';
import { CATALOG_SERVICES, DEFAULT_METRIC_CATALOG, matchesEntry } from '../../src/aws/metric-catalog.js';
import { isDue } from '../../src/aws/metric-queries.js';
import { evaluateRules } from '../../src/rules/index.js';
import { expectFailure } from './expect-failure.js';
import { live, startWorld } from './sim-world.js';

const ACCOUNT = '123456789012';
const HOUR = 3_600_000;
const STATS = ['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount', ...Array.from({ length: 99 }, (_, i) => `p${i + 1}`)];

/** The window of the last `hours` whole hours. */
function lastHours(hours: number, periodSec = 300) {
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  return { start: new Date(end - hours * HOUR), end: new Date(end), periodSec };
}

t.test('alarm states map to AlarmState records', async (t) => {
  const w = await startWorld(t);
  const alarms = await w.aws.cloudwatch.describeAlarms(w.role(ACCOUNT), 'us-east-1', live());
  t.ok(alarms.length >= 2, `${alarms.length} alarms`);
  const hot = alarms.find((a) => a.state === 'ALARM' && a.metricName === 'CPUUtilization');
  t.ok(hot, 'the hot instance is in ALARM');
  t.equal(hot?.namespace, 'AWS/EC2');
  t.equal(hot?.region, 'us-east-1');
  t.ok(alarms.every((a) => ['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(a.state) && !Number.isNaN(Date.parse(a.updatedAt)) && a.name));
  t.same(await w.aws.cloudwatch.describeAlarms(w.role(ACCOUNT), 'sa-east-1', live()), [], 'a region with nothing in it');
});

t.test('listMetrics discovers the catalog metrics of every resource, with exact dimensions', async (t) => {
  const w = await startWorld(t);
  const metrics = await w.aws.cloudwatch.listMetrics(w.role(ACCOUNT), 'us-east-1', live());
  const count = (ns: string, name: string) => metrics.filter((m) => m.namespace === ns && m.metricName === name).length;
  const instances = count('AWS/EC2', 'CPUUtilization');
  t.ok(instances >= 3, `${instances} instances`);
  t.equal(count('AWS/EC2', 'StatusCheckFailed'), instances);
  t.equal(count('AWS/EC2', 'NetworkIn'), 0, 'metrics outside the catalog are not fetched (they would be paid for)');
  t.ok(count('AWS/RDS', 'FreeStorageSpace') >= 1);
  t.ok(count('AWS/Lambda', 'Errors') >= 2);
  t.equal(count('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count'), 1);
  const strays = metrics.filter((m) => !DEFAULT_METRIC_CATALOG.some((e) => e.namespace === m.namespace && e.metricName === m.metricName && e.stat === m.stat && matchesEntry(e, m.dimensions)));
  t.same(strays, [], `each of the ${metrics.length} metrics is a catalog entry, with its exact dimensions and statistic`);
  // Copies under other dimension sets are skipped: Aurora's per-Role CPU, API Gateway's per-Stage Count, S3's other storage types.
  t.notOk(metrics.some((m) => m.dimensions.some((d) => d.name === 'Role' || d.name === 'Stage')), 'no per-Role or per-Stage copies');
  const sizes = metrics.filter((m) => m.metricName === 'BucketSizeBytes');
  t.ok(sizes.length >= 2 && sizes.every((m) => m.dimensions.some((d) => d.name === 'StorageType' && d.value === 'StandardStorage') && m.periodSec === 86_400), 'BucketSizeBytes: StandardStorage, daily');
  const listCalls = w.sim.calls({ account: ACCOUNT, operation: 'ListMetrics' });
  t.ok(listCalls.every((c) => c.status === 200), `${listCalls.length} ListMetrics calls, all answered`);
});

t.test('every catalog service is discovered and collected through the real SDK', async (t) => {
  const w = await startWorld(t);
  const target = w.role(ACCOUNT);
  const metrics = await w.aws.cloudwatch.listMetrics(target, 'us-east-1', live());
  // A window ending on a 6-hour boundary is the one that fetches the daily metrics too.
  const end = Math.floor(Date.now() / (6 * HOUR)) * 6 * HOUR;
  const window = { start: new Date(end - HOUR), end: new Date(end), periodSec: 300 };
  const series = await w.aws.cloudwatch.getMetricData(target, 'us-east-1', metrics, window, live());
  t.equal(series.length, metrics.length, 'one series per metric discovered');
  for (const service of CATALOG_SERVICES) {
    const ofService = series.filter((s) => s.metric.namespace === service.namespace && service.resourceDimensions.every((d) => s.metric.dimensions.some((x) => x.name === d)));
    const names = new Set(ofService.map((s) => s.metric.metricName));
    t.ok(names.has(service.metrics[0].metricName), `${service.label}: headline ${service.metrics[0].metricName} discovered (${ofService.length} series)`);
    const withData = ofService.filter((s) => s.points.length > 0);
    t.ok(withData.length > 0, `${service.label}: datapoints collected`);
    for (const s of ofService) t.equal(s.resourceId, service.resourceDimensions.map((d) => s.metric.dimensions.find((x) => x.name === d)?.value).join('/'), `${service.label}: resource id`);
  }
  const daily = series.filter((s) => s.metric.namespace === 'AWS/S3');
  t.ok(daily.every((s) => s.periodSec === 86_400 && s.points.length >= 2 && s.points.every((p) => Date.parse(p.t) % 86_400_000 === 0)), 'S3 storage: one datapoint per day, at midnight UTC');
  const stuck = series.filter((s) => s.metric.metricName === 'ApproximateAgeOfOldestMessage' && s.points.every((p) => p.v > 3600));
  t.equal(stuck.length, 1, 'one queue whose oldest message is over an hour old');
  t.ok(series.some((s) => s.metric.metricName === 'ThrottledRequests' && s.points.some((p) => p.v > 0)), 'a table that throttles');
  const regions = (await w.aws.cloudwatch.listMetrics(target, 'eu-west-1', live()).catch(() => [])).filter((m) => m.namespace === 'AWS/CloudFront');
  t.same(regions, [], 'CloudFront metrics live in us-east-1 only');
});

t.test('daily metrics are fetched only by the poll that is due, and billed only then', async (t) => {
  const w = await startWorld(t);
  const target = w.role(ACCOUNT);
  const daily = (await w.aws.cloudwatch.listMetrics(target, 'us-east-1', live())).filter((m) => m.periodSec === 86_400);
  t.ok(daily.length >= 4, `${daily.length} daily metrics`);
  const boundary = Math.floor(Date.now() / (6 * HOUR)) * 6 * HOUR;
  const notDue = { start: new Date(boundary - 20 * 60_000), end: new Date(boundary - 60_000), periodSec: 300 };
  t.same(await w.aws.cloudwatch.getMetricData(target, 'us-east-1', daily, notDue, live()), [], 'a poll between boundaries fetches nothing');
  t.equal(w.sim.calls({ account: ACCOUNT, operation: 'GetMetricData' }).length, 0, 'and calls nothing');
  const due = { start: new Date(boundary - 15 * 60_000 - 5 * 60_000), end: new Date(boundary), periodSec: 300 };
  const series = await w.aws.cloudwatch.getMetricData(target, 'us-east-1', daily, due, live());
  t.equal(series.length, daily.length);
  const call = w.sim.calls({ account: ACCOUNT, operation: 'GetMetricData' });
  t.equal(call.length, 1, 'one call');
  t.equal(w.aws.ledger.usage(target.tenantId).getMetricDataMetrics, daily.length, 'billed once per daily metric');
  // The next poll's window overlaps this one by a period: the boundary is not claimed twice.
  const next = { start: new Date(boundary - 5 * 60_000), end: new Date(boundary + 15 * 60_000), periodSec: 300 };
  t.equal(isDue(next, 86_400), false);
});

t.test('getMetricData maps series oldest first, one point per period', async (t) => {
  const w = await startWorld(t);
  const target = w.role(ACCOUNT);
  const metrics = (await w.aws.cloudwatch.listMetrics(target, 'us-east-1', live())).filter((m) => !m.periodSec);
  const window = lastHours(1);
  const series = await w.aws.cloudwatch.getMetricData(target, 'us-east-1', metrics, window, live());
  t.equal(series.length, metrics.length, 'one series per metric asked');
  const cpu = series.filter((s) => s.metric.namespace === 'AWS/EC2' && s.metric.metricName === 'CPUUtilization');
  for (const s of cpu) {
    t.equal(s.points.length, 12, `${s.resourceId}: 12 five-minute points in an hour`);
    const times = s.points.map((p) => Date.parse(p.t));
    t.same(times, [...times].sort((a, b) => a - b), 'oldest first');
    t.ok(times[0]! >= window.start.getTime() && times.at(-1)! < window.end.getTime(), 'inside the window');
    t.equal(s.region, 'us-east-1');
    t.equal(s.periodSec, 300);
    t.match(s.resourceId, /^i-/);
  }
  t.ok(cpu.some((s) => s.points.every((p) => p.v > 80)), 'the hot instance runs hot');
  t.ok(cpu.some((s) => s.points.every((p) => p.v < 5)), 'the idle instance idles');
});

t.test('more than 500 metrics go in batches of 500, long windows in smaller calls that never page, and the ledger equals what AWS bills', async (t) => {
  const w = await startWorld(t);
  const target = w.role(ACCOUNT);
  const found = (await w.aws.cloudwatch.listMetrics(target, 'us-east-1', live())).filter((m) => !m.periodSec);
  // Real metrics under many statistics: enough distinct queries for two batches.
  const many: MetricRef[] = STATS.flatMap((stat) => found.map((m) => ({ ...m, stat }))).slice(0, 520);
  t.equal(many.length, 520, '520 queries');

  const short = await w.aws.cloudwatch.getMetricData(target, 'us-east-1', many, lastHours(1), live());
  t.equal(short.length, 520);
  t.equal(w.sim.calls({ account: ACCOUNT, operation: 'GetMetricData' }).length, 2, 'two calls: 500 + 20');

  // 520 metrics x 2 days of 5-minute points = 299,520 datapoints > 100,800 per call: a page
  // would bill its metrics again, so the adapter asks 175 metrics a call (576 points each).
  const long = await w.aws.cloudwatch.getMetricData(target, 'us-east-1', many, lastHours(48), live());
  const calls = w.sim.calls({ account: ACCOUNT, operation: 'GetMetricData' }).slice(2);
  t.same(calls.map((c) => c.billableUnits), [175, 175, 170], 'three calls of at most 175 metrics, no NextToken page');
  const cpu = long.find((s) => s.metric.metricName === 'CPUUtilization' && s.metric.stat === 'Average');
  t.equal(cpu?.points.length, 48 * 12, 'every point of every page is put back in its series');
  const times = cpu?.points.map((p) => Date.parse(p.t)) ?? [];
  t.ok(times.every((time, i) => i === 0 || time > times[i - 1]!), 'strictly oldest first across pages');

  const billed = w.sim.billable(ACCOUNT);
  const usage = w.aws.ledger.usage(target.tenantId);
  t.equal(billed.getMetricDataMetrics, 1040, 'each metric billed once per fetch');
  t.equal(usage.getMetricDataMetrics, billed.getMetricDataMetrics, 'ledger == simulator billing');
  t.equal(usage.estimatedFeeUsd, Math.round(billed.getMetricDataMetrics * 0.00001 * 10_000) / 10_000);
});

t.test('throttling is retried by the SDK, then surfaces as "throttled" and is not billed', async (t) => {
  const w = await startWorld(t, { faults: [{ account: ACCOUNT, service: 'cloudwatch', operation: 'GetMetricData', throttleRate: 1 }] });
  const target = w.role(ACCOUNT);
  const metrics = await w.aws.cloudwatch.listMetrics(target, 'us-east-1', live());
  await expectFailure(t, w.aws.cloudwatch.getMetricData(target, 'us-east-1', metrics, lastHours(1), live()), { kind: 'throttled', service: 'cloudwatch' });
  const attempts = w.sim.calls({ account: ACCOUNT, operation: 'GetMetricData' });
  t.equal(attempts.length, 3, 'maxAttempts 3');
  t.comment(`throttling code: ${attempts[0]?.errorCode}`);
  t.equal(w.sim.billable(ACCOUNT).getMetricDataMetrics, 0);
  t.equal(w.aws.ledger.usage(target.tenantId).getMetricDataMetrics, 0, 'failed calls are not counted');
});

t.test('5xx and timeouts are "transient"', async (t) => {
  const w = await startWorld(t, { faults: [{ account: ACCOUNT, service: 'cloudwatch', errorRate: 1 }], holdMs: 10_000 }, { maxAttempts: 2, requestTimeoutMs: 300 });
  await expectFailure(t, w.aws.cloudwatch.describeAlarms(w.role(ACCOUNT), 'us-east-1', live()), { kind: 'transient' });
  w.sim.setFaults([{ account: ACCOUNT, service: 'cloudwatch', timeoutRate: 1 }]);
  await expectFailure(t, w.aws.cloudwatch.describeAlarms(w.role(ACCOUNT), 'us-east-1', live()), { kind: 'transient', awsCode: 'TimeoutError' });
});

t.test('an aborted call stops promptly and surfaces as an abort', async (t) => {
  const w = await startWorld(t, { faults: [{ account: ACCOUNT, service: 'cloudwatch', latencyMs: 10_000 }] });
  const target = w.role(ACCOUNT);
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(), 100);
  const error = await w.aws.cloudwatch.describeAlarms(target, 'us-east-1', controller.signal).catch((e: unknown) => e);
  const elapsed = Date.now() - started;
  t.ok(isAbortError(error), `AbortError (got ${String(error)})`);
  t.ok(elapsed < 5_000, `stopped after ${elapsed} ms, not 10 s`);
});

t.test('the simulated account makes the service rules fire: a stuck queue, a throttling table, a failing Lambda', async (t) => {
  const w = await startWorld(t);
  const target = w.role(ACCOUNT);
  const metrics = await w.aws.cloudwatch.listMetrics(target, 'us-east-1', live());
  const pick = (ns: string, ...names: string[]) => metrics.filter((m) => m.namespace === ns && names.includes(m.metricName));
  const recent = lastHours(3);
  const days = lastHours(48, 3600);
  const series = [
    ...(await w.aws.cloudwatch.getMetricData(target, 'us-east-1', [...pick('AWS/SQS', 'ApproximateAgeOfOldestMessage'), ...pick('AWS/DynamoDB', 'ThrottledRequests')], recent, live())),
    ...(await w.aws.cloudwatch.getMetricData(target, 'us-east-1', pick('AWS/Lambda', 'Invocations', 'Errors'), days, live())),
  ];
  const recs = evaluateRules({ now: recent.end, accounts: [{ accountId: 'conn-1', series }] });
  const fired = (rule: string) => recs.filter((r) => r.rule === rule).map((r) => r.resources[0]?.id);
  t.equal(fired('sqs-queue-age').length, 1, `one stuck queue: ${fired('sqs-queue-age').join(', ')}`);
  t.equal(fired('dynamodb-throttle').length, 1, `one throttling table: ${fired('dynamodb-throttle').join(', ')}`);
  t.ok(fired('lambda-error-rate').length >= 1, `failing Lambda: ${fired('lambda-error-rate').join(', ')}`);
});

t.test('the account\'s selection applies at query time: switched-off services are not fetched or billed, custom metrics are', async (t) => {
  const w = await startWorld(t);
  const plain = w.role(ACCOUNT);
  const discovered = (await w.aws.cloudwatch.listMetrics(plain, 'us-east-1', live())).filter((m) => !m.periodSec);
  const browsed = await w.aws.cloudwatch.browseMetrics!(plain, 'us-east-1', 'Custom/Shop', 100, live());
  t.ok(browsed.length >= 4, `${browsed.length} custom metrics listed`);
  const orders = browsed.find((m) => m.metricName === 'OrdersPlaced');
  t.ok(orders);
  const target = { ...plain, metrics: { disabledServices: ['ec2'], disabledMetrics: ['sqs:NumberOfMessagesSent'], custom: [{ region: 'us-east-1', namespace: orders!.namespace, metricName: 'OrdersPlaced', dimensions: orders!.dimensions, stat: 'Sum' }, { region: 'eu-west-1', namespace: 'Custom/Shop', metricName: 'OrdersPlaced', dimensions: orders!.dimensions, stat: 'Sum' }] } };
  const series = await w.aws.cloudwatch.getMetricData(target, 'us-east-1', discovered, lastHours(1), live());
  const ec2 = discovered.filter((m) => m.namespace === 'AWS/EC2').length;
  const sent = discovered.filter((m) => m.metricName === 'NumberOfMessagesSent').length;
  t.equal(series.length, discovered.length - ec2 - sent + 1, 'EC2 and one SQS metric dropped, one custom metric of this region added');
  t.notOk(series.some((s) => s.metric.namespace === 'AWS/EC2'));
  const custom = series.find((s) => s.metric.namespace === 'Custom/Shop');
  t.equal(custom?.points.length, 12, 'the custom metric is collected like a built-in');
  t.equal(custom?.resourceId, orders!.dimensions.map((d) => d.value).join('/'));
  t.equal(w.sim.billable(ACCOUNT).getMetricDataMetrics, series.length, 'billed for what was fetched only');
});
