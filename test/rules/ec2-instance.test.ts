import t from 'tap';
import { ec2InstancesFromSeries } from '../../src/rules/ec2-instance.js';
import { dailyAverages } from '../../src/rules/daily-average.js';
import type { MetricSeries } from '../../src/domain/records.js';

function series(metricName: string, id: string, points: MetricSeries['points'], extra: { name: string; value: string }[] = []): MetricSeries {
  return {
    region: 'us-east-1',
    metric: { namespace: 'AWS/EC2', metricName, stat: 'Average', dimensions: [{ name: 'InstanceId', value: id }, ...extra] },
    resourceId: id,
    periodSec: 300,
    points,
  };
}

t.test('per-instance CPU series, merged across stored pieces, typed when the type is known', async (t) => {
  const instances = ec2InstancesFromSeries(
    [
      series('CPUUtilization', 'i-1', [{ t: '2026-03-01T00:00:00Z', v: 1 }]),
      series('CPUUtilization', 'i-1', [{ t: '2026-03-01T01:00:00Z', v: 3 }]),
      series('CPUUtilization', 'i-2', []),
      series('StatusCheckFailed', 'i-1', [{ t: '2026-03-01T00:00:00Z', v: 0 }]),
      series('CPUUtilization', 'i-3', [], [{ name: 'AutoScalingGroupName', value: 'asg' }]),
    ],
    { 'i-1': 't3.micro' },
  );
  t.same(instances, [
    { instanceId: 'i-1', region: 'us-east-1', instanceType: 't3.micro', cpu: [{ t: '2026-03-01T00:00:00Z', v: 1 }, { t: '2026-03-01T01:00:00Z', v: 3 }] },
    { instanceId: 'i-2', region: 'us-east-1', cpu: [] },
  ]);
});

t.test('daily averages by UTC day; unparseable or non-finite points are dropped', async (t) => {
  const avg = dailyAverages([
    { t: '2026-03-02T23:30:00Z', v: 4 },
    { t: '2026-03-01T10:00:00Z', v: 2 },
    { t: '2026-03-01T20:00:00Z', v: 4 },
    { t: '2026-03-02T00:30:00+01:00', v: 3 },
    { t: 'yesterday', v: 50 },
    { t: '2026-03-02T12:00:00Z', v: Number.NaN },
  ]);
  t.same([...avg], [
    ['2026-03-01', 3],
    ['2026-03-02', 4],
  ], '00:30+01:00 is 23:30 UTC the day before');
});
