import t from 'tap';
import { guardDutyCoverageRule } from '../../src/rules/guardduty-coverage-rule.js';
import { guardDutyFindingRule } from '../../src/rules/guardduty-finding-rule.js';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../src/rules/rule-thresholds.js';
import type { Finding } from '../../src/domain/records.js';
import { finding } from './fixtures/records.js';

const T = DEFAULT_THRESHOLDS;

function run(findings: Finding[], thresholds = T) {
  return guardDutyFindingRule({ accountId: 'acc-1', findings }, thresholds);
}

t.test('open High and Critical findings; Medium and Low are not recommendations', async (t) => {
  t.same(run([finding({ severity: 6.9 })]), [], '6.9 is Medium');
  const [high] = run([finding({ severity: 7 })]);
  t.match(high, { category: 'security', priority: 'high', impactScore: 70, evidence: { band: 'high', severity: 7 } });
  t.equal(high?.title, 'Address high GuardDuty finding: SSH brute force against i-1');
  t.same(high?.resources, [
    { type: 'guardduty-finding', id: 'f-1', region: 'us-east-1' },
    { type: 'Instance', id: 'i-1', region: 'us-east-1' },
  ]);
  t.match(run([finding({ severity: 8.9 })])[0], { evidence: { band: 'high' }, impactScore: 89 });
  t.match(run([finding({ severity: 9 })])[0], { evidence: { band: 'critical' }, impactScore: 90 });
  t.same(run([finding({ severity: 2 })]), []);
});

t.test('archived findings are done with', async (t) => {
  t.same(run([finding({ archived: true, severity: 9.5 })]), []);
});

t.test('one per finding, with a stable id that ignores severity changes', async (t) => {
  const recs = run([finding({ id: 'a' }), finding({ id: 'b' })]);
  t.equal(recs.length, 2);
  t.equal(run([finding({ id: 'a', severity: 9.2 })])[0]?.id, recs[0]?.id);
});

t.test('the severity threshold is configurable', async (t) => {
  t.equal(run([finding({ severity: 4 })], resolveThresholds({ findingMinSeverity: 4 }))[0]?.priority, 'medium');
});

t.test('a monitored region without a detector is a blind spot', async (t) => {
  const recs = guardDutyCoverageRule({ accountId: 'acc-1', regionsWithoutDetector: ['eu-west-1', 'ap-south-1', 'eu-west-1'] });
  t.same(
    recs.map((r) => [r.title, r.priority, r.category]),
    [
      ['Enable GuardDuty in ap-south-1', 'medium', 'security'],
      ['Enable GuardDuty in eu-west-1', 'medium', 'security'],
    ],
  );
  t.same(guardDutyCoverageRule({ accountId: 'acc-1', regionsWithoutDetector: [] }), []);
  t.not(recs[0]?.id, guardDutyCoverageRule({ accountId: 'acc-2', regionsWithoutDetector: ['ap-south-1'] })[0]?.id);
});
