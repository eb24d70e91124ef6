import t from 'tap';
import { rightsizingRule } from '../../src/rules/rightsizing-rule.js';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../src/rules/rule-thresholds.js';
import type { RightsizingRecommendation } from '../../src/domain/records.js';

const T = DEFAULT_THRESHOLDS;
const modify: RightsizingRecommendation = {
  resourceId: 'i-1',
  action: 'Modify',
  currentType: 'm5.2xlarge',
  targetType: 'm5.xlarge',
  region: 'us-east-1',
  monthlySavingUsd: 140.16,
};

function run(rightsizing: RightsizingRecommendation[], thresholds = T) {
  return rightsizingRule({ accountId: 'acc-1', rightsizing }, thresholds);
}

t.test('surfaces Cost Explorer recommendations with their saving', async (t) => {
  const [rec] = run([modify]);
  t.equal(rec?.estimatedMonthlySavingUsd, 140.16);
  t.equal(rec?.category, 'cost');
  t.equal(rec?.priority, 'medium');
  t.equal(rec?.title, 'Resize EC2 instance i-1 (m5.2xlarge) to m5.xlarge');
  t.same(rec?.resources, [{ type: 'ec2-instance', id: 'i-1', region: 'us-east-1' }]);
  const [terminate] = run([{ resourceId: 'i-2', action: 'Terminate', monthlySavingUsd: 900 }]);
  t.equal(terminate?.title, 'Terminate EC2 instance i-2');
  t.equal(terminate?.priority, 'high');
});

t.test('saving threshold: strictly above it (default 0)', async (t) => {
  t.same(run([{ ...modify, monthlySavingUsd: 0 }]), []);
  t.equal(run([{ ...modify, monthlySavingUsd: 0.01 }]).length, 1);
  const five = resolveThresholds({ rightsizingMinSavingUsd: 5 });
  t.same(run([{ ...modify, monthlySavingUsd: 4.99 }], five), []);
  t.same(run([{ ...modify, monthlySavingUsd: 5 }], five), []);
  t.equal(run([{ ...modify, monthlySavingUsd: 5.01 }], five).length, 1);
});

t.test('one recommendation per instance; the id survives a new target size', async (t) => {
  t.equal(run([modify, { ...modify, targetType: 'm5.large' }]).length, 1);
  t.equal(run([{ ...modify, targetType: 'm5.large' }])[0]?.id, run([modify])[0]?.id);
});
