/** The AWS Health alert email: service, region, event type, start time and affected resources, escaped. */
import t from 'tap';
import { renderHealthAlertEmail } from '../../src/mail/health-alert-email.js';

t.test('an open issue and scheduled maintenance, HTML escaped and a plain-text part', async (t) => {
  const resources = Array.from({ length: 12 }, (_, i) => `i-${i}`);
  const email = renderHealthAlertEmail(
    { publicUrl: 'https://health.example.com' },
    {
      tenantName: 'Acme <ops>',
      items: [
        { kind: 'issue', service: 'EC2', eventTypeCode: 'AWS_EC2_OPERATIONAL_ISSUE', region: 'eu-west-1', startTime: '2026-03-01T06:00:00.000Z', resources: ['i-<x>'], accountId: 'a-1', accountName: 'Prod', arn: 'arn:1' },
        { kind: 'scheduled', service: 'RDS', eventTypeCode: 'AWS_RDS_SYSTEM_UPGRADE_SCHEDULED', region: 'us-east-1', resources, accountId: 'a-1', arn: 'arn:2' },
      ],
    },
  );
  t.equal(email.subject, '[Cloud Health] 2 AWS Health events (1 open issue)');
  t.notMatch(email.html, /i-<x>/, 'resources are escaped');
  t.match(email.html, /i-&lt;x&gt;/);
  t.match(email.text, /- AWS service issue: EC2 in eu-west-1\n {2}Event type: AWS_EC2_OPERATIONAL_ISSUE · account Prod\n {2}Starts: 2026-03-01 06:00:00 UTC\n {2}Affected resources: i-<x>/);
  t.match(email.text, /- Scheduled maintenance: RDS in us-east-1\n {2}Event type: AWS_RDS_SYSTEM_UPGRADE_SCHEDULED · account a-1\n {2}Starts: start time not given\n {2}Affected resources: i-0, .*i-9 and 2 more/);
  const one = renderHealthAlertEmail({ publicUrl: 'https://health.example.com' }, { tenantName: 'Acme', items: [{ kind: 'issue', service: 'EC2', eventTypeCode: 'X', region: 'global', resources: [], accountId: 'a', arn: 'arn:3' }] });
  t.equal(one.subject, '[Cloud Health] AWS service issue: EC2 in global');
  t.match(one.text, /Affected resources: none listed by AWS Health/);
});
