import t from 'tap';
import { ec2HotRule } from '../../src/rules/ec2-hot-rule.js';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../src/rules/rule-thresholds.js';
import type { Point } from '../../src/domain/records.js';
import { cpuGrid, NOW } from './fixtures/records.js';

const T = DEFAULT_THRESHOLDS;

/** 7 days x 4 points = 28 points; the first `hot` of them (in time order) at 95%, the rest at `cool`. */
function week(hot: number, cool = 50): Point[] {
  return cpuGrid(7, 4, (d, p) => (d * 4 + p < hot ? 95 : cool));
}

function run(cpu: Point[], thresholds = T) {
  return ec2HotRule({ accountId: 'acc-1', now: NOW, instances: [{ instanceId: 'i-1', region: 'eu-west-1', cpu }] }, thresholds);
}

t.test('hot share: at least 75% of datapoints above 80%', async (t) => {
  t.same(run(week(20)), [], '20/28 = 71% is below');
  const [at] = run(week(21));
  t.ok(at, '21/28 = 75% is at the threshold: hot');
  t.equal(at?.category, 'performance');
  t.equal(at?.evidence.hotSharePct, 75);
  t.equal(at?.evidence.datapoints, 28);
  t.match(at?.title, /^Scale up or out EC2 instance i-1/);
  t.equal(at?.estimatedMonthlySavingUsd, undefined, 'scaling up saves nothing');
  t.equal(run(week(22)).length, 1, '22/28 is above');
});

t.test('a datapoint exactly at 80% is not hot; just above is', async (t) => {
  t.same(run(cpuGrid(7, 4, () => 80)), []);
  t.equal(run(cpuGrid(7, 4, () => 80.1)).length, 1);
});

t.test('priority rises with the share of hot time', async (t) => {
  t.same([run(week(21))[0]?.priority, run(week(21))[0]?.impactScore], ['medium', 60]);
  t.same([run(week(28))[0]?.priority, run(week(28))[0]?.impactScore], ['high', 80]);
});

t.test('needs data on 5 of the last 7 days', async (t) => {
  const all = cpuGrid(7, 4, () => 99);
  t.same(run(all.slice(12)), [], '4 days: not judged');
  t.equal(run(all.slice(8)).length, 1, '5 days: judged');
  t.same(run([]), [], 'no data');
});

t.test('ignores points outside the last 7 whole days', async (t) => {
  const old = cpuGrid(7, 4, () => 99, '2026-03-08');
  const today = [{ t: '2026-03-15T08:00:00Z', v: 99 }];
  t.same(run([...old, ...today]), [], 'last week and today alone are not evidence');
  t.same(run([...week(20), ...old, ...today]), [], 'and they do not tip a cool week over');
});

t.test('thresholds are configurable and the id is stable', async (t) => {
  const custom = resolveThresholds({ ec2HotCpuPct: 40, ec2HotShare: 0.5 });
  t.equal(run(week(0, 45), custom).length, 1);
  t.equal(run(week(28))[0]?.id, run(week(21))[0]?.id);
});
