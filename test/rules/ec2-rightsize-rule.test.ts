import t from 'tap';
import { ec2RightsizeRule, type Ec2RightsizeInput } from '../../src/rules/ec2-rightsize-rule.js';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../src/rules/rule-thresholds.js';
import { EC2_COMPUTE_SERVICE } from '../../src/rules/instance-cost.js';
import type { Ec2Instance } from '../../src/rules/ec2-instance.js';
import { costs, cpuGrid, dailyCpu, NOW, repeat } from './fixtures/records.js';

const T = DEFAULT_THRESHOLDS;

/** An instance whose busiest day in the window averaged `peak`, the other 13 days 1%. */
function instance(peak: number, extra: Partial<Ec2Instance> = {}): Ec2Instance {
  return { instanceId: 'i-1', region: 'us-east-1', instanceType: 'm5.large', cpu: dailyCpu([...repeat(1, 13), peak]), ...extra };
}

function run(instances: Ec2Instance[], extra: Partial<Ec2RightsizeInput> = {}) {
  return ec2RightsizeRule({ accountId: 'acc-1', now: NOW, instances, prices: { 'm5.large': 0.1 }, ...extra }, T);
}

t.test('idle threshold: strictly below 5% is idle, at 5% is only underused', async (t) => {
  const [below] = run([instance(4.9)]);
  t.equal(below?.evidence.verdict, 'idle');
  t.match(below?.title, /^Stop idle EC2 instance i-1 \(m5\.large\)/);
  t.equal(run([instance(5)])[0]?.evidence.verdict, 'underused');
  t.equal(run([instance(5.1)])[0]?.evidence.verdict, 'underused');
});

t.test('underused threshold: strictly below 20% downsizes, at or above 20% says nothing', async (t) => {
  const [below] = run([instance(19.9)]);
  t.equal(below?.evidence.verdict, 'underused');
  t.match(below?.title, /^Downsize underused EC2 instance/);
  t.same(run([instance(20)]), []);
  t.same(run([instance(20.1)]), []);
});

t.test('judges the busiest day, not the average of the window', async (t) => {
  t.same(run([{ ...instance(1), cpu: dailyCpu([...repeat(1, 13), 30]) }]), [], 'one busy day keeps it off the list');
});

t.test('needs 14 days of data in the window before judging', async (t) => {
  t.same(run([instance(1, { cpu: dailyCpu(repeat(1, 13)) })]), [], '13 days: not judged');
  t.equal(run([instance(1, { cpu: dailyCpu(repeat(1, 14)) })]).length, 1, '14 days: judged');
  const gap = dailyCpu(repeat(1, 15)).filter((_, i) => i !== 10);
  t.same(run([instance(1, { cpu: gap })]), [], 'a missing day inside the window: not judged');
  t.same(run([instance(1, { cpu: [] })]), [], 'no data at all');
});

t.test('only whole days before today count: a busy partial today or an old busy day do not', async (t) => {
  const cpu = [...dailyCpu(repeat(1, 15)), { t: '2026-03-15T09:00:00Z', v: 95 }, { t: '2026-02-01T12:00:00Z', v: 99 }];
  const cpuOld = dailyCpu([90, ...repeat(1, 14)]);
  t.equal(run([instance(1, { cpu })])[0]?.evidence.verdict, 'idle');
  t.equal(run([instance(1, { cpu: cpuOld })])[0]?.evidence.verdict, 'idle', 'the 15th day back is outside the window');
});

t.test('raw datapoints are aggregated to daily averages first', async (t) => {
  // Alternating 0% and 9%: every raw point above 5% is cancelled out by a quiet hour, 4.5% a day.
  const cpu = cpuGrid(14, 24, (_d, p) => (p % 2 === 0 ? 0 : 9));
  const [rec] = run([instance(1, { cpu })]);
  t.equal(rec?.evidence.verdict, 'idle');
  t.equal(rec?.evidence.maxDailyAvgCpuPct, 4.5);
  t.equal(rec?.evidence.daysWithData, 14);
});

t.test('savings from the price table: all of it to stop, half to downsize', async (t) => {
  const [idle] = run([instance(1)]);
  t.equal(idle?.estimatedMonthlySavingUsd, 73, '$0.10/h x 730 h');
  t.equal(idle?.evidence.costBasis, 'price-table');
  t.equal(run([instance(10)])[0]?.estimatedMonthlySavingUsd, 36.5);
  const regional = run([instance(1)], { prices: { 'm5.large': 0.1, 'us-east-1:m5.large': 0.2 } });
  t.equal(regional[0]?.estimatedMonthlySavingUsd, 146, 'a region-specific price wins');
});

t.test('without a price, an equal share of what EC2 compute costs beyond the priced instances', async (t) => {
  const dailyCosts = costs(EC2_COMPUTE_SERVICE, repeat(24, 14));
  const a = instance(1, { instanceId: 'i-a', instanceType: 'x9.odd' });
  const b = instance(1, { instanceId: 'i-b', instanceType: undefined });
  const shared = run([a, b], { dailyCosts });
  t.same(shared.map((r) => r.estimatedMonthlySavingUsd), [365, 365], '$24/day is $730/month, split in two');
  t.same(shared.map((r) => r.evidence.costBasis), ['ec2-cost-share', 'ec2-cost-share']);
  const mixed = run([instance(1, { instanceId: 'i-p' }), a], { dailyCosts });
  t.same(mixed.map((r) => r.estimatedMonthlySavingUsd), [73, 657], 'the priced one is taken out of the pool first');
});

t.test('with no cost known, no saving is claimed and the priority is fixed', async (t) => {
  const [idle] = run([instance(1, { instanceType: undefined })]);
  t.equal(idle?.estimatedMonthlySavingUsd, undefined);
  t.equal(idle?.priority, 'medium');
  t.equal(run([instance(10, { instanceType: undefined })])[0]?.priority, 'low');
});

t.test('priority grows with the saving', async (t) => {
  t.equal(run([instance(1)], { prices: { 'm5.large': 1 } })[0]?.priority, 'high', '$730/month');
  t.equal(run([instance(1)], { prices: { 'm5.large': 0.1 } })[0]?.priority, 'medium', '$73/month');
  t.equal(run([instance(1)], { prices: { 'm5.large': 0.01 } })[0]?.priority, 'low', '$7.30/month');
});

t.test('the id is stable per instance, shared by idle and underused, and distinct per account', async (t) => {
  const idle = run([instance(1)])[0]?.id;
  t.equal(run([instance(1)])[0]?.id, idle, 'same on the next run');
  t.equal(run([instance(10)])[0]?.id, idle, 'flapping between idle and underused keeps a dismissal');
  const other = ec2RightsizeRule({ accountId: 'acc-2', now: NOW, instances: [instance(1)] }, T)[0]?.id;
  t.not(other, idle);
  t.match(idle, /^ec2-rightsize-[0-9a-f]{24}$/);
});

t.test('thresholds are configurable', async (t) => {
  const custom = resolveThresholds({ ec2IdleCpuPct: 2, ec2UnderusedCpuPct: 40, ec2LookbackDays: 7, ec2MinDays: 7 });
  const input = { accountId: 'acc-1', now: NOW, instances: [instance(30, { cpu: dailyCpu([...repeat(1, 6), 30]) })] };
  t.equal(ec2RightsizeRule(input, custom)[0]?.evidence.verdict, 'underused');
  t.same(ec2RightsizeRule(input, T), [], 'defaults need 14 days');
});
