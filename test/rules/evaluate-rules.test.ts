import t from 'tap';
import { evaluateRules, type RuleInput } from '../../src/rules/index.js';
import { costs, dailyCpu, finding, NOW, repeat } from './fixtures/records.js';

function tenant(): RuleInput {
  return {
    now: NOW,
    monthlyBudgetUsd: 100,
    prices: { 't3.micro': 0.0104, 'm5.large': 0.096 },
    accounts: [
      {
        accountId: 'acc-1',
        instances: [
          { instanceId: 'i-idle', region: 'us-east-1', instanceType: 'm5.large', cpu: dailyCpu(repeat(1, 14)) },
          { instanceId: 'i-ce', region: 'us-east-1', instanceType: 't3.micro', cpu: dailyCpu(repeat(1, 14)) },
          { instanceId: 'i-hot', region: 'us-east-1', cpu: dailyCpu(repeat(95, 14)) },
        ],
        dailyCosts: [...costs('AWS Lambda', [...repeat(5, 14), 80])],
        rightsizing: [{ resourceId: 'i-ce', action: 'Terminate', monthlySavingUsd: 7.3 }],
        findings: [finding({ id: 'crit', severity: 9.5 }), finding({ id: 'med', severity: 5 })],
        regionsWithoutDetector: ['eu-west-1'],
      },
    ],
  };
}

t.test('runs every rule over a tenant and sorts by impact', async (t) => {
  const recs = evaluateRules(tenant());
  t.same(
    recs.map((r) => r.rule),
    ['guardduty-finding', 'cost-spike', 'ec2-hot', 'guardduty-disabled', 'ec2-rightsize', 'budget-forecast', 'ce-rightsizing'],
  );
  const scores = recs.map((r) => r.impactScore);
  t.same(scores, [...scores].sort((a, b) => b - a));
});

t.test("Cost Explorer's recommendation replaces ours for the same instance", async (t) => {
  const recs = evaluateRules(tenant());
  const subjects = recs.filter((r) => r.rule === 'ec2-rightsize' || r.rule === 'ce-rightsizing').map((r) => [r.rule, r.resources[0]?.id]);
  t.same(subjects, [
    ['ec2-rightsize', 'i-idle'],
    ['ce-rightsizing', 'i-ce'],
  ]);
});

t.test('deterministic: the same input gives the same output', async (t) => {
  t.same(evaluateRules(tenant()), evaluateRules(tenant()));
});

t.test('thresholds pass through; bad ones throw', async (t) => {
  t.notOk(evaluateRules(tenant(), { findingMinSeverity: 9.6 }).some((r) => r.rule === 'guardduty-finding'));
  t.throws(() => evaluateRules(tenant(), { ec2HotShare: 2 }), { code: 'INVALID_THRESHOLDS' });
});

t.test('an empty tenant has nothing to recommend', async (t) => {
  t.same(evaluateRules({ now: NOW, accounts: [{ accountId: 'a' }] }), []);
});
