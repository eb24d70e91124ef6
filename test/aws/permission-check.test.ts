/**
 * The account permission check probes every collector's operations against its own service
 * (issue 11): the probe list comes from the descriptors, so Security Hub's GetFindings is not
 * GuardDuty's, and a denied action shows on the collector that needs it only. Through the real
 * SDK clients against the simulator, whose IAM denials answer each service's own
 * AccessDeniedException.
 */
import t from 'tap';
import { COLLECTOR_OPERATIONS } from '../../src/collectors/index.js';
import type { CheckItem } from '../../src/aws/permission-check.js';
import { live, startWorld } from './sim-world.js';

const ACCOUNT = '123456789012';
const REGIONS = ['us-east-1', 'eu-west-1'];

const find = (items: CheckItem[], collector: string, operation: string, region?: string) =>
  items.filter((i) => i.collector === collector && i.operation === operation && i.region === region);

t.test('every operation of every descriptor is probed once per region (global ones once), on its own collector', async (t) => {
  const w = await startWorld(t);
  const report = await w.aws.checkPermissions({ ...w.role(ACCOUNT), regions: REGIONS }, { includePaid: true }, live());
  t.equal(report.identityOk, true);
  for (const op of COLLECTOR_OPERATIONS) {
    for (const region of op.regional ? REGIONS : [undefined]) {
      const items = find(report.items, op.collector, op.operation, region);
      t.equal(items.length, 1, `${op.collector} ${op.action} ${region ?? 'global'}: one item`);
      t.equal(items[0]?.action, op.action, 'with its own IAM action');
    }
  }
  t.equal(report.items.length, COLLECTOR_OPERATIONS.reduce((n, op) => n + (op.regional ? REGIONS.length : 1), 0), 'nothing else');
  const hubFindings = w.sim.calls({ account: ACCOUNT, service: 'securityhub', operation: 'GetFindings' });
  const gdFindings = w.sim.calls({ account: ACCOUNT, service: 'guardduty', operation: 'GetFindings' });
  t.ok(hubFindings.length >= REGIONS.length, 'Security Hub GetFindings reached Security Hub in each region');
  t.ok(gdFindings.length <= REGIONS.length, 'GuardDuty GetFindings at most once per region');
  t.ok(w.sim.calls({ account: ACCOUNT, service: 'health', operation: 'DescribeEvents' }).length >= 1, 'AWS Health was asked');
  t.match(find(report.items, 'compliance', 'GetFindings', 'us-east-1')[0], { result: 'ok' });
  t.match(find(report.items, 'health', 'DescribeEvents')[0], { result: 'ok' });
});

t.test('a missing securityhub:GetFindings or health:DescribeEvents shows on that collector only', async (t) => {
  const w = await startWorld(t, { accounts: { [ACCOUNT]: { deniedActions: ['securityhub:GetFindings', 'health:DescribeEvents'] } } });
  const report = await w.aws.checkPermissions({ ...w.role(ACCOUNT), regions: REGIONS }, {}, live());
  const missing = report.items.filter((i) => i.result === 'missing_permission');
  t.same(
    missing.map((i) => `${i.collector} ${i.action} ${i.region ?? 'global'}`).sort(),
    ['compliance securityhub:GetFindings eu-west-1', 'compliance securityhub:GetFindings us-east-1', 'health health:DescribeEvents global'],
    'exactly the denied actions, each on its collector',
  );
  for (const i of missing) {
    t.equal(i.code, 'AccessDeniedException', `${i.action}: the service's own access-denied code`);
    t.match(i.remedy, new RegExp(`Add ${i.action} to the role's permission policy`), 'the remedy names the action');
  }
  for (const region of REGIONS) {
    t.not(find(report.items, 'security', 'GetFindings', region)[0]?.result, 'missing_permission', `GuardDuty GetFindings in ${region} is not blamed`);
    t.match(find(report.items, 'compliance', 'GetEnabledStandards', region)[0], { result: 'ok' }, 'the rest of Security Hub works');
  }
  t.match(find(report.items, 'health', 'DescribeAffectedEntities')[0], { result: 'not_checked', note: /DescribeEvents failed/ });
});

t.test('Security Hub off in a region and no support plan: setup steps, not missing permissions', async (t) => {
  const w = await startWorld(t, { accounts: { [ACCOUNT]: { securityHubDisabledRegions: ['eu-west-1'], healthSubscription: false } } });
  const report = await w.aws.checkPermissions({ ...w.role(ACCOUNT), regions: REGIONS }, {}, live());
  t.match(find(report.items, 'compliance', 'GetEnabledStandards', 'eu-west-1')[0], { result: 'feature_not_enabled', remedy: /Security Hub is not enabled in eu-west-1/ });
  t.match(find(report.items, 'compliance', 'GetFindings', 'eu-west-1')[0], { result: 'not_checked' });
  t.match(find(report.items, 'compliance', 'GetFindings', 'us-east-1')[0], { result: 'ok' });
  t.match(find(report.items, 'health', 'DescribeEvents')[0], { result: 'feature_not_enabled', code: 'SubscriptionRequiredException' });
  t.notOk(report.items.some((i) => i.result === 'missing_permission'), 'nothing is reported missing');
});
