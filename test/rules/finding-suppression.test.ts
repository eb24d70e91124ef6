/** Suppression rules: which findings a rule silences, when it stops applying, and that a suppressed finding never alerts. */
import t from 'tap';
import type { Finding } from '../../src/domain/records.js';
import { ruleActive, suppressionOf, type SuppressionRule } from '../../src/domain/suppression.js';
import { decideFindingAlerts } from '../../src/rules/index.js';

const NOW = Date.parse('2026-11-20T12:00:00Z');

const f = (id: string, extra: Partial<Finding> = {}): Finding => ({
  id,
  region: 'us-east-1',
  detectorId: 'd',
  type: 'UnauthorizedAccess:EC2/SSHBruteForce',
  title: id,
  description: '',
  severity: 9.2,
  resourceType: 'Instance',
  resourceId: 'i-honeypot',
  createdAt: '2026-11-20T11:00:00Z',
  updatedAt: '2026-11-20T11:00:00Z',
  archived: false,
  count: 1,
  ...extra,
});

const rule = (kind: SuppressionRule['kind'], value: string, expiresAt?: string): SuppressionRule => ({
  id: `${kind}-${value}`,
  kind,
  value,
  reason: 'accepted',
  createdAt: '2026-11-01T00:00:00Z',
  ...(expiresAt ? { expiresAt } : {}),
});

t.test('a rule matches by type, resource or account, exactly', async (t) => {
  t.equal(suppressionOf([rule('type', 'UnauthorizedAccess:EC2/SSHBruteForce')], 'acc1', f('a'), NOW)?.kind, 'type');
  t.equal(suppressionOf([rule('type', 'UnauthorizedAccess:EC2')], 'acc1', f('a'), NOW), undefined, 'no prefix matching');
  t.equal(suppressionOf([rule('resource', 'i-honeypot')], 'acc1', f('a'), NOW)?.kind, 'resource');
  t.equal(suppressionOf([rule('resource', 'i-honeypot')], 'acc1', f('a', { resourceId: 'i-other' }), NOW), undefined);
  const noResource = f('b');
  delete noResource.resourceId;
  t.equal(suppressionOf([rule('resource', 'i-honeypot')], 'acc1', noResource, NOW), undefined);
  t.equal(suppressionOf([rule('account', 'acc1')], 'acc1', f('a'), NOW)?.kind, 'account');
  t.equal(suppressionOf([rule('account', 'acc1')], 'acc2', f('a'), NOW), undefined);
});

t.test('an expired rule no longer applies', async (t) => {
  const expiring = rule('resource', 'i-honeypot', '2026-11-20T12:00:00Z');
  t.equal(ruleActive(expiring, NOW - 1), true);
  t.equal(ruleActive(expiring, NOW), false, 'the expiry instant itself is past');
  t.equal(suppressionOf([expiring], 'acc1', f('a'), NOW + 1), undefined);
  t.equal(ruleActive(rule('type', 'x'), NOW * 10), true, 'no expiry: until removed');
});

t.test('suppressed findings never alert; the others still do', async (t) => {
  const preferences = { critical: true, warning: true, costAlerts: false };
  const findings = [
    { accountId: 'acc1', finding: f('honeypot') },
    { accountId: 'acc1', finding: f('real', { resourceId: 'i-prod' }) },
    { accountId: 'sandbox', finding: f('sandboxed', { resourceId: 'i-sb' }) },
  ];
  const all = decideFindingAlerts({ tenantId: 't1', preferences, findings, now: NOW });
  t.same(all.map((a) => a.finding.id).sort(), ['honeypot', 'real', 'sandboxed'], 'without rules all three alert');
  const suppressions = [rule('resource', 'i-honeypot'), rule('account', 'sandbox')];
  const some = decideFindingAlerts({ tenantId: 't1', preferences, findings, suppressions, now: NOW });
  t.same(some.map((a) => a.finding.id), ['real']);
  const expired = decideFindingAlerts({ tenantId: 't1', preferences, findings, suppressions: [rule('resource', 'i-honeypot', '2026-11-19T00:00:00Z')], now: NOW });
  t.equal(expired.length, 3, 'once the rule expires, the finding alerts again');
});
