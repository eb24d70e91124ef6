import t from 'tap';
import { chunk } from '../../src/aws/chunk.js';
import { BatchResults, MAX_QUERIES_PER_CALL, resourceIdOf, toQueries } from '../../src/aws/metric-queries.js';
import { hasExactDimensions, DEFAULT_METRIC_CATALOG } from '../../src/aws/metric-catalog.js';
import type { MetricRef } from '../../src/domain/records.js';

const cpu = (id: string): MetricRef => ({ namespace: 'AWS/EC2', metricName: 'CPUUtilization', stat: 'Average', dimensions: [{ name: 'InstanceId', value: id }] });

t.test('1,201 metrics make three batches of at most 500', async (t) => {
  const metrics = Array.from({ length: 1201 }, (_, i) => cpu(`i-${i}`));
  const batches = chunk(metrics, MAX_QUERIES_PER_CALL);
  t.same(batches.map((b) => b.length), [500, 500, 201]);
  t.throws(() => chunk(metrics, 0));
});

t.test('queries carry valid ids, the period and the stat', async (t) => {
  const queries = toQueries([cpu('i-1'), cpu('i-2')], 300);
  t.same(queries.map((q) => q.Id), ['m0', 'm1']);
  t.ok(queries.every((q) => /^[a-z][a-zA-Z0-9_]*$/.test(q.Id ?? '')), 'ids satisfy GetMetricData\'s pattern');
  t.same(queries[1]?.MetricStat, {
    Metric: { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'InstanceId', Value: 'i-2' }] },
    Period: 300,
    Stat: 'Average',
  });
});

t.test('results spread over pages and out of order come back as one series per metric, oldest first', async (t) => {
  const batch = [cpu('i-1'), cpu('i-2'), cpu('i-3')];
  const results = new BatchResults(batch);
  const at = (min: number) => new Date(Date.UTC(2025, 0, 1, 0, min));
  results.add([
    { Id: 'm0', Timestamps: [at(10), at(5)], Values: [2, 1] },
    { Id: 'm1', Timestamps: [at(0)], Values: [7] },
    { Id: 'zz', Timestamps: [at(0)], Values: [99] },
  ]);
  results.add([{ Id: 'm0', Timestamps: [at(0), at(5)], Values: [0, 1] }]); // next page; one repeated point
  const series = results.series('eu-west-1', 300);
  t.equal(series.length, 3);
  t.same(series[0]?.points, [
    { t: at(0).toISOString(), v: 0 },
    { t: at(5).toISOString(), v: 1 },
    { t: at(10).toISOString(), v: 2 },
  ]);
  t.equal(series[0]?.resourceId, 'i-1');
  t.equal(series[0]?.region, 'eu-west-1');
  t.equal(series[0]?.periodSec, 300);
  t.same(series[1]?.points, [{ t: at(0).toISOString(), v: 7 }]);
  t.same(series[2]?.points, [], 'a metric without data still has its (empty) series');
});

t.test('resource ids and exact dimensions', async (t) => {
  t.equal(resourceIdOf({ namespace: 'AWS/RDS', metricName: 'CPUUtilization', stat: 'Average', dimensions: [{ name: 'DBInstanceIdentifier', value: 'db-1' }] }), 'db-1');
  t.equal(resourceIdOf({ namespace: 'X', metricName: 'Y', stat: 'Sum', dimensions: [{ name: 'A', value: 'a' }, { name: 'B', value: 'b' }] }), 'a/b');
  const ec2 = DEFAULT_METRIC_CATALOG[0]!;
  t.ok(hasExactDimensions(ec2, ['InstanceId']));
  t.notOk(hasExactDimensions(ec2, ['InstanceId', 'AutoScalingGroupName']), 'aggregated copies are skipped');
  t.notOk(hasExactDimensions(ec2, ['ImageId']));
});
