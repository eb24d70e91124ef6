import t from 'tap';
import { costSpikeRule, detectCostSpikes } from '../../src/rules/cost-spike-rule.js';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../src/rules/rule-thresholds.js';
import type { DailyCost } from '../../src/domain/records.js';
import { costs, NOW, repeat, YESTERDAY } from './fixtures/records.js';

const T = DEFAULT_THRESHOLDS;
const S3 = 'Amazon Simple Storage Service';

/** 14 days alternating 90 and 110 (mean 100, sigma 10), then `latest` yesterday. */
function wide(latest: number): DailyCost[] {
  return costs(S3, [...Array.from({ length: 14 }, (_, i) => (i % 2 === 0 ? 90 : 110)), latest]);
}

/** 14 days alternating 100 and 102 (mean 101, sigma 1), then `latest` yesterday. */
function narrow(latest: number): DailyCost[] {
  return costs(S3, [...Array.from({ length: 14 }, (_, i) => (i % 2 === 0 ? 100 : 102)), latest]);
}

function run(dailyCosts: DailyCost[], thresholds = T) {
  return costSpikeRule({ accountId: 'acc-1', now: NOW, dailyCosts }, thresholds);
}

t.test('sigma bound: strictly above mean + 3 sigma', async (t) => {
  t.same(run(wide(129.5)), [], 'below 130');
  t.same(run(wide(130)), [], 'at 130');
  const [above] = run(wide(130.5));
  t.ok(above, 'above 130');
  t.equal(above?.category, 'cost');
  t.same(above?.resources, [{ type: 'aws-service', id: S3 }]);
  t.match(above?.evidence, { day: YESTERDAY, amountUsd: 130.5, meanUsd: 100, stdDevUsd: 10, historyDays: 14 });
  t.match(above?.title, `Cost spike in ${S3} on ${YESTERDAY}`);
});

t.test('minimum increase: strictly more than $10 above the mean, even when sigma is small', async (t) => {
  t.same(run(narrow(110.5)), [], 'above mean + 3 sigma (104) but only $9.50 more');
  t.same(run(narrow(111)), [], 'exactly $10 more');
  t.equal(run(narrow(111.5)).length, 1, '$10.50 more');
  t.same(run(costs(S3, repeat(100, 15))), [], 'a flat history with no increase');
});

t.test('needs 12 days of history', async (t) => {
  const eleven = costs(S3, [...repeat(100, 11), 500]);
  const twelve = costs(S3, [...repeat(100, 12), 500]);
  t.same(run(eleven), [], '11 days: not judged');
  t.equal(run(twelve).length, 1, '12 days: judged');
  const gaps = wide(500).filter((c) => !['2026-03-05', '2026-03-06', '2026-03-07'].includes(c.day));
  t.same(run(gaps), [], 'days without any cost data do not count as history');
});

t.test('a service absent on a day the account has data cost $0 that day', async (t) => {
  const other = costs('AWS Lambda', repeat(5, 15));
  const fresh = costs('Amazon SageMaker', [50]);
  const spikes = detectCostSpikes({ accountId: 'acc-1', now: NOW, dailyCosts: [...other, ...fresh] }, T);
  t.same(
    spikes.map((s) => [s.service, s.meanUsd, s.amountUsd]),
    [['Amazon SageMaker', 0, 50]],
  );
});

t.test('only the last 3 calendar days are judged; future rows are ignored', async (t) => {
  const twoDaysAgo = run(costs(S3, [...repeat(100, 14), 500, 100]));
  t.same(twoDaysAgo.map((r) => r.evidence.day), ['2026-03-13'], 'the day before yesterday is still judged');
  t.same(run(costs(S3, [...repeat(100, 14), 500, 100, 100])), [], 'three days before today is not');
  t.equal(run(costs(S3, [...repeat(100, 14), 500], '2026-03-15')).length, 1, 'today (partial) is judged');
  t.same(run(costs(S3, [...repeat(100, 15), 500], '2026-03-16')), [], 'tomorrow is not a day yet');
});

t.test('the id is per service and day; the priority comes from the excess as a month', async (t) => {
  const [a] = run(wide(500));
  t.equal(run(wide(600))[0]?.id, a?.id, 'same day, same service');
  t.equal(a?.priority, 'high', '$400/day over the mean');
  t.same([run(narrow(112))[0]?.priority, run(narrow(112))[0]?.evidence.monthlyImpactUsd], ['medium', 334.58], '$11/day');
});

t.test('thresholds are configurable', async (t) => {
  const lenient = resolveThresholds({ costSpikeStdDevs: 1, costSpikeMinIncreaseUsd: 5 });
  t.ok(run(wide(115), lenient).some((r) => r.evidence.day === YESTERDAY));
  t.same(run(wide(115)), []);
});
