import t, { type Test } from 'tap';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
  paginateGetMetricData,
  paginateListMetrics,
  type Metric,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { CATALOG_SERVICES } from '../../src/aws/metric-catalog.js';
import { CUSTOM_NAMESPACE } from '../../src/sim/world/metric-series.js';
import { T0, clientConfig, manualClock, rejection, sdkError } from './fixtures/sim-clients.js';

const ACCOUNT = '123456789012';
const HOUR = 3600_000;

async function allMetrics(client: CloudWatchClient, input: { Namespace?: string; MetricName?: string } = {}): Promise<{ metrics: Metric[]; pages: number }> {
  const metrics: Metric[] = [];
  let pages = 0;
  for await (const page of paginateListMetrics({ client }, input)) {
    pages += 1;
    metrics.push(...(page.Metrics ?? []));
  }
  return { metrics, pages };
}

function cpuQueries(metrics: Metric[], period: number, stat = 'Average'): MetricDataQuery[] {
  return metrics.map((metric, i) => ({ Id: `m${i}`, MetricStat: { Metric: metric, Period: period, Stat: stat } }));
}

async function simWithClock(t: Test, seed = 1): Promise<{ sim: Simulator; cw: CloudWatchClient }> {
  const sim = await startSimulator({ seed, now: manualClock().now });
  t.teardown(() => sim.close());
  return { sim, cw: new CloudWatchClient(clientConfig(sim, ACCOUNT)) };
}

t.test('ListMetrics pages through the metrics of every catalog service with their dimensions', async (t) => {
  const { sim, cw } = await simWithClock(t);
  const { metrics, pages } = await allMetrics(cw);
  t.ok(pages >= 2, `paginated (${pages} pages)`);
  const namespaces = new Set(metrics.map((m) => m.Namespace));
  t.same([...namespaces].sort(), [...new Set([...CATALOG_SERVICES.map((s) => s.namespace), CUSTOM_NAMESPACE])].sort(), 'every catalog namespace and the custom one');
  const cpu = metrics.filter((m) => m.Namespace === 'AWS/EC2' && m.MetricName === 'CPUUtilization');
  t.ok(cpu.length >= 3, 'several instances');
  t.match(cpu[0]?.Dimensions, [{ Name: 'InstanceId', Value: /^i-0[0-9a-f]{16}$/ }]);
  t.match(metrics.find((m) => m.Namespace === 'AWS/Lambda')?.Dimensions, [{ Name: 'FunctionName', Value: String }]);
  t.match(metrics.find((m) => m.Namespace === 'AWS/RDS')?.Dimensions, [{ Name: 'DBInstanceIdentifier', Value: String }]);
  t.match(metrics.find((m) => m.Namespace === 'AWS/ApplicationELB')?.Dimensions, [{ Name: 'LoadBalancer', Value: /^app\// }]);

  const filtered = await allMetrics(cw, { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' });
  t.same(filtered.metrics, cpu, 'filters by namespace and metric name');
  const byDimension = await cw.send(new ListMetricsCommand({ Dimensions: [{ Name: 'InstanceId', Value: cpu[0]?.Dimensions?.[0]?.Value }] }));
  t.ok(byDimension.Metrics?.every((m) => m.Dimensions?.[0]?.Value === cpu[0]?.Dimensions?.[0]?.Value), 'filters by dimension');

  const elsewhere = new CloudWatchClient(clientConfig(sim, ACCOUNT, { region: 'sa-east-1' }));
  t.same((await elsewhere.send(new ListMetricsCommand({}))).Metrics, [], 'a region the account does not use has no metrics');
});

t.test('GetMetricData: idle, normal and hot instances, at the period, in the window, newest first', async (t) => {
  const { sim, cw } = await simWithClock(t);
  const { metrics } = await allMetrics(cw, { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' });
  const start = new Date(T0 - 24 * HOUR);
  const end = new Date(T0);
  const out = await cw.send(new GetMetricDataCommand({ StartTime: start, EndTime: end, MetricDataQueries: cpuQueries(metrics, 3600) }));
  const results = out.MetricDataResults ?? [];
  t.equal(results.length, metrics.length);
  t.equal(out.NextToken, undefined, 'one page');
  const means = results.map((r) => (r.Values ?? []).reduce((a, b) => a + b, 0) / (r.Values?.length || 1));
  t.ok(means.some((m) => m >= 0.5 && m <= 3.5), `an idle instance (${means.map((m) => m.toFixed(1)).join(', ')})`);
  t.ok(means.some((m) => m >= 15 && m <= 65), 'a normal instance');
  t.ok(means.some((m) => m >= 84 && m <= 98), 'a hot instance');
  for (const r of results) {
    t.equal(r.StatusCode, 'Complete');
    t.equal(r.Timestamps?.length, 24, '24 hourly points');
    const times = (r.Timestamps ?? []).map((d) => d.getTime());
    t.ok(times.every((x) => x % 3600_000 === 0 && x >= start.getTime() && x < end.getTime()), 'aligned and inside the window');
    t.ok(times.every((x, i) => i === 0 || x < (times[i - 1] ?? 0)), 'newest first by default');
  }
  const ascending = await cw.send(new GetMetricDataCommand({ StartTime: start, EndTime: end, ScanBy: 'TimestampAscending', MetricDataQueries: cpuQueries(metrics.slice(0, 1), 3600) }));
  const asc = ascending.MetricDataResults?.[0];
  t.same(asc?.Values, [...(results[0]?.Values ?? [])].reverse(), 'same values, oldest first');
  t.same(sim.billable(ACCOUNT), { costExplorerRequests: 0, getMetricDataMetrics: metrics.length + 1 }, 'billed per metric requested');
});

t.test('GetMetricData paginates past MaxDatapoints and the pages add up to the whole', async (t) => {
  const { sim, cw } = await simWithClock(t);
  const { metrics } = await allMetrics(cw, { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' });
  const input = { StartTime: new Date(T0 - 24 * HOUR), EndTime: new Date(T0), MetricDataQueries: cpuQueries(metrics.slice(0, 3), 300) };
  const whole = await cw.send(new GetMetricDataCommand(input));
  t.equal(whole.MetricDataResults?.[0]?.Values?.length, 288);
  const merged = new Map<string, number[]>();
  let pages = 0;
  for await (const page of paginateGetMetricData({ client: cw }, { ...input, MaxDatapoints: 100 })) {
    pages += 1;
    const count = (page.MetricDataResults ?? []).reduce((sum, r) => sum + (r.Values?.length ?? 0), 0);
    t.ok(count <= 100, 'a page holds at most MaxDatapoints');
    for (const r of page.MetricDataResults ?? []) merged.set(r.Id ?? '', [...(merged.get(r.Id ?? '') ?? []), ...(r.Values ?? [])]);
  }
  t.equal(pages, 9, '864 points in pages of 100');
  for (const r of whole.MetricDataResults ?? []) t.same(merged.get(r.Id ?? ''), r.Values, `${r.Id} complete across pages`);
  t.equal(sim.billable(ACCOUNT).getMetricDataMetrics, 3 + 9 * 3, 'every page bills its metrics again');
  const bad = sdkError(await rejection(() => cw.send(new GetMetricDataCommand({ ...input, NextToken: 'garbage' }))));
  t.match(bad, { name: 'InvalidNextToken', status: 400 });
});

t.test('GetMetricData validates: more than 500 queries, bad period, bad window', async (t) => {
  const { sim, cw } = await simWithClock(t);
  const metric = { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'InstanceId', Value: 'i-0' }] };
  const many = Array.from({ length: 501 }, (_, i) => ({ Id: `q${i}`, MetricStat: { Metric: metric, Period: 60, Stat: 'Average' } }));
  const tooMany = sdkError(await rejection(() => cw.send(new GetMetricDataCommand({ StartTime: new Date(T0 - HOUR), EndTime: new Date(T0), MetricDataQueries: many }))));
  t.match(tooMany, { name: 'ValidationException', status: 400, fault: 'client' });
  const badPeriod = sdkError(await rejection(() => cw.send(new GetMetricDataCommand({ StartTime: new Date(T0 - HOUR), EndTime: new Date(T0), MetricDataQueries: [{ Id: 'a', MetricStat: { Metric: metric, Period: 90, Stat: 'Average' } }] }))));
  t.match(badPeriod, { name: 'InvalidParameterValueException', status: 400 });
  const badWindow = sdkError(await rejection(() => cw.send(new GetMetricDataCommand({ StartTime: new Date(T0), EndTime: new Date(T0 - HOUR), MetricDataQueries: [{ Id: 'a', MetricStat: { Metric: metric, Period: 60, Stat: 'Average' } }] }))));
  t.match(badWindow, { name: 'InvalidParameterValueException', status: 400 });
  const unknown = await cw.send(new GetMetricDataCommand({ StartTime: new Date(T0 - HOUR), EndTime: new Date(T0), MetricDataQueries: [{ Id: 'a', MetricStat: { Metric: metric, Period: 60, Stat: 'Average' } }] }));
  t.match(unknown.MetricDataResults, [{ Id: 'a', Values: [], StatusCode: 'Complete' }], 'an unknown metric has no data');
  t.equal(sim.billable(ACCOUNT).getMetricDataMetrics, 1, 'failed calls are not billed');
});

t.test('no data in the future or past retention; sub-minute periods have none', async (t) => {
  const { cw } = await simWithClock(t);
  const { metrics } = await allMetrics(cw, { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' });
  const query = (period: number) => cpuQueries(metrics.slice(0, 1), period);
  const future = await cw.send(new GetMetricDataCommand({ StartTime: new Date(T0 - HOUR), EndTime: new Date(T0 + HOUR), MetricDataQueries: query(60) }));
  t.equal(future.MetricDataResults?.[0]?.Values?.length, 60, 'points stop at now');
  const old = await cw.send(new GetMetricDataCommand({ StartTime: new Date(T0 - 20 * 24 * HOUR), EndTime: new Date(T0 - 19 * 24 * HOUR), MetricDataQueries: query(60) }));
  t.equal(old.MetricDataResults?.[0]?.Values?.length, 0, '1-minute data is kept 15 days');
  const oldFive = await cw.send(new GetMetricDataCommand({ StartTime: new Date(T0 - 20 * 24 * HOUR), EndTime: new Date(T0 - 19 * 24 * HOUR), MetricDataQueries: query(300) }));
  t.equal(oldFive.MetricDataResults?.[0]?.Values?.length, 288, '5-minute data is kept 63 days');
  const highRes = await cw.send(new GetMetricDataCommand({ StartTime: new Date(T0 - HOUR), EndTime: new Date(T0), MetricDataQueries: query(10) }));
  t.equal(highRes.MetricDataResults?.[0]?.Values?.length, 0);
});

t.test('data is deterministic per seed and account, and differs between accounts', async (t) => {
  const a = await simWithClock(t, 42);
  const b = await simWithClock(t, 42);
  const fetch = async (cw: CloudWatchClient) => {
    const { metrics } = await allMetrics(cw, { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' });
    const out = await cw.send(new GetMetricDataCommand({ StartTime: new Date(T0 - 6 * HOUR), EndTime: new Date(T0), MetricDataQueries: cpuQueries(metrics, 300) }));
    return { metrics, values: out.MetricDataResults?.map((r) => r.Values) };
  };
  const first = await fetch(a.cw);
  t.same(await fetch(b.cw), first, 'two simulators, same seed and account, same data');
  const other = new CloudWatchClient(clientConfig(a.sim, '210987654321'));
  t.not(JSON.stringify((await fetch(other)).metrics), JSON.stringify(first.metrics), 'another account has other resources');
});

t.test('DescribeAlarms: alarms in OK, ALARM and INSUFFICIENT_DATA, filterable by state', async (t) => {
  const seen = new Set<string>();
  const sim = await startSimulator({ now: manualClock().now });
  t.teardown(() => sim.close());
  for (const account of ['123456789012', '210987654321', '333333333333', '444444444444']) {
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2', 'eu-central-1']) {
      const cw = new CloudWatchClient(clientConfig(sim, account, { region }));
      const out = await cw.send(new DescribeAlarmsCommand({}));
      for (const alarm of out.MetricAlarms ?? []) seen.add(alarm.StateValue ?? '');
    }
  }
  t.same([...seen].sort(), ['ALARM', 'INSUFFICIENT_DATA', 'OK']);
  const cw = new CloudWatchClient(clientConfig(sim, ACCOUNT));
  const all = await cw.send(new DescribeAlarmsCommand({}));
  const alarm = all.MetricAlarms?.[0];
  t.match(alarm, { AlarmName: String, AlarmArn: new RegExp(`^arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:`), Namespace: String, MetricName: String, Threshold: Number, Dimensions: Array });
  t.type(alarm?.StateUpdatedTimestamp, Date);
  t.ok((alarm?.StateUpdatedTimestamp?.getTime() ?? Infinity) <= T0, 'state changed in the past');
  const firing = await cw.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
  t.ok((firing.MetricAlarms ?? []).length > 0 && firing.MetricAlarms?.every((a) => a.StateValue === 'ALARM'), 'StateValue filters');
  const paged = await cw.send(new DescribeAlarmsCommand({ MaxRecords: 1 }));
  t.equal(paged.MetricAlarms?.length, 1);
  t.type(paged.NextToken, 'string');
  const next = await cw.send(new DescribeAlarmsCommand({ MaxRecords: 1, NextToken: paged.NextToken }));
  t.equal(next.MetricAlarms?.[0]?.AlarmName, all.MetricAlarms?.[1]?.AlarmName);
});

t.test('an unknown CloudWatch operation is UnknownOperationException', async (t) => {
  const { cw } = await simWithClock(t);
  cw.middlewareStack.add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amz-target'] = 'GraniteServiceVersion20100801.DeleteEverything';
      return next(args);
    },
    { step: 'build' },
  );
  t.match(sdkError(await rejection(() => cw.send(new ListMetricsCommand({})))), { name: 'UnknownOperationException', status: 400 });
});

t.test('ListMetrics filters on a dimension name alone, and takes only PT3H as RecentlyActive', async (t) => {
  const { cw } = await simWithClock(t);
  const queues = await allMetrics(cw, { Namespace: 'AWS/SQS' });
  const byName = await cw.send(new ListMetricsCommand({ Namespace: 'AWS/DynamoDB', Dimensions: [{ Name: 'Operation' }], RecentlyActive: 'PT3H' }));
  t.ok((byName.Metrics ?? []).length >= 2, 'the throttling table publishes per-operation metrics');
  t.ok(byName.Metrics?.every((m) => m.MetricName === 'ThrottledRequests' && m.Dimensions?.some((d) => d.Name === 'Operation')), 'only metrics with that dimension');
  t.ok(queues.metrics.length >= 8, `${queues.metrics.length} queue metrics`);
  const bad = sdkError(await rejection(() => cw.send(new ListMetricsCommand({ RecentlyActive: 'PT1H' as 'PT3H' }))));
  t.equal(bad.name, 'InvalidParameterValueException');
});

t.test('DescribeAlarms: the stuck queue and the throttling table are in ALARM', async (t) => {
  const { cw } = await simWithClock(t);
  const firing = (await cw.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }))).MetricAlarms ?? [];
  t.equal(firing.filter((a) => a.Namespace === 'AWS/SQS').length, 1, 'one queue-age alarm fires');
  t.equal(firing.filter((a) => a.Namespace === 'AWS/DynamoDB').length, 1, 'one throttling alarm fires');
  const ok = (await cw.send(new DescribeAlarmsCommand({ StateValue: 'OK' }))).MetricAlarms ?? [];
  t.ok(ok.some((a) => a.Namespace === 'AWS/SQS'), 'the healthy queues are OK');
});
