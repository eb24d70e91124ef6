/** The selection applied to discovered metrics, and its monthly fee, as pure functions. */
import t from 'tap';
import { applySelection, isSelected, monthlyFeeUsd, pollsPerMonth, projectFee } from '../../src/aws/metric-selection.js';
import { isDue } from '../../src/aws/metric-queries.js';
import type { MetricRef } from '../../src/domain/records.js';

const ref = (namespace: string, metricName: string, dims: Record<string, string>, stat = 'Average', periodSec?: number): MetricRef => ({
  namespace,
  metricName,
  stat,
  dimensions: Object.entries(dims).map(([name, value]) => ({ name, value })),
  ...(periodSec ? { periodSec } : {}),
});

const cpu = ref('AWS/EC2', 'CPUUtilization', { InstanceId: 'i-1' });
const status = ref('AWS/EC2', 'StatusCheckFailed', { InstanceId: 'i-1' }, 'Maximum');
const rdsCpu = ref('AWS/RDS', 'CPUUtilization', { DBInstanceIdentifier: 'db-1' });
const auroraCpu = ref('AWS/RDS', 'CPUUtilization', { DBClusterIdentifier: 'c-1' });
const bucket = ref('AWS/S3', 'BucketSizeBytes', { BucketName: 'b', StorageType: 'StandardStorage' }, 'Average', 86_400);

t.test('switches are per service and per service metric; Aurora and RDS share a namespace but not a switch', async (t) => {
  t.ok(isSelected(cpu, undefined));
  t.notOk(isSelected(cpu, { disabledServices: ['ec2'] }));
  t.notOk(isSelected(status, { disabledMetrics: ['ec2:StatusCheckFailed'] }));
  t.ok(isSelected(cpu, { disabledMetrics: ['ec2:StatusCheckFailed'] }));
  t.notOk(isSelected(auroraCpu, { disabledServices: ['aurora'] }));
  t.ok(isSelected(rdsCpu, { disabledServices: ['aurora'] }));
});

t.test("custom metrics of the region are added once; other regions' are not", async (t) => {
  const custom = { region: 'us-east-1', namespace: 'App', metricName: 'Orders', dimensions: [{ name: 'Service', value: 'shop' }], stat: 'Sum' };
  const out = applySelection([cpu, status], 'us-east-1', { disabledServices: ['ec2'], custom: [custom, { ...custom }, { ...custom, region: 'eu-west-1' }] });
  t.same(out, [{ namespace: 'App', metricName: 'Orders', dimensions: [{ name: 'Service', value: 'shop' }], stat: 'Sum' }]);
  const asDiscovered = applySelection([ref('App', 'Orders', { Service: 'shop' }, 'Sum')], 'us-east-1', { custom: [custom] });
  t.equal(asDiscovered.length, 1, 'a custom metric already in the list is not fetched (and paid) twice');
});

t.test('fees: $0.01 per 1,000 metrics a poll; headline every 15 min, others hourly, daily every 6 h; a projection adds up its lines', async (t) => {
  const fifteen = 15 * 60_000;
  t.equal(pollsPerMonth(fifteen), 2880);
  t.equal(Math.round(monthlyFeeUsd(fifteen) * 1e6) / 1e6, 0.0288);
  t.equal(pollsPerMonth(fifteen, 86_400), 120, 'four polls a day');
  t.equal(pollsPerMonth(12 * 3_600_000, 86_400), 60, 'a collector slower than 6 h sets the pace');
  t.equal(pollsPerMonth(2 * 3_600_000, 86_400), 360, 'polls 2 h apart (windows capped at 3 h could miss a boundary) fetch every time');
  const p = projectFee([cpu, status, rdsCpu, bucket], { disabledMetrics: ['ec2:StatusCheckFailed'] }, fifteen);
  const ec2 = p.services.find((s) => s.id === 'ec2');
  t.equal(ec2?.resources, 1);
  t.equal(ec2?.monthlyFeeUsd, 0.0288, 'one of two EC2 metrics on');
  t.equal(p.monthlyFeeUsd, Math.round((0.0288 + 0.0288 + 0.0012) * 10_000) / 10_000);
  t.equal(p.fullCatalogFeeUsd, Math.round((0.0288 * 2 + 0.0072 + 0.0012) * 10_000) / 10_000, 'StatusCheckFailed, not a headline metric, hourly');
  const withCustom = projectFee([], { custom: [{ region: 'us-east-1', namespace: 'App', metricName: 'X', dimensions: [], stat: 'Sum' }] }, fifteen);
  t.equal(withCustom.monthlyFeeUsd, 0.0072, 'a custom metric is fetched hourly');
  t.equal(projectFee([cpu], undefined, 5 * 60_000).monthlyFeeUsd, 0.0288, 'a 5-minute tick does not make the headline metric faster than 15 min');
});

t.test('a daily metric is due once per 6-hour boundary over consecutive overlapping polls', async (t) => {
  const period = 300;
  const interval = 15 * 60_000;
  const start = Date.UTC(2026, 0, 1, 0, 0);
  let due = 0;
  for (let end = start + interval; end <= start + 86_400_000; end += interval) {
    if (isDue({ start: new Date(end - interval - period * 1000), end: new Date(end), periodSec: period }, 86_400)) due += 1;
  }
  t.equal(due, 4, 'four fetches a day, not 96');
  // A 12-hour collector: its window is capped at 3 h, so no boundary need fall in it; it fetches every poll.
  const slow = { start: new Date(start + 3_600_000), end: new Date(start + 4 * 3_600_000), periodSec: period };
  t.equal(isDue(slow, 86_400), true);
});
