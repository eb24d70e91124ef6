/** The alarm alert email: both parts, escaped, with a link to the metric's chart. */
import t from 'tap';
import { renderAlarmAlertEmail } from '../../src/mail/alarm-alert-email.js';

t.test('fired and recovered alarms, HTML escaped and a plain-text part', async (t) => {
  const email = renderAlarmAlertEmail(
    { publicUrl: 'https://health.example.com' },
    {
      tenantName: 'Acme <ops>',
      items: [
        { state: 'fired', name: 'high-cpu-<web>', accountId: 'acc-1', accountName: 'Prod', region: 'us-east-1', namespace: 'AWS/EC2', metricName: 'CPUUtilization', comparison: 'GreaterThanThreshold', threshold: 80, reason: 'Threshold Crossed', at: '2026-12-02T07:52:08.000Z' },
        { state: 'recovered', name: 'lambda-errors-f', accountId: 'acc-1', region: 'us-east-1', at: '2026-12-02T07:53:00.000Z' },
      ],
    },
  );
  t.equal(email.subject, '[Cloud Health] 2 alarm changes (1 in ALARM)');
  t.notMatch(email.html, /<web>/, 'names are escaped');
  t.match(email.html, /high-cpu-&lt;web&gt;/);
  t.match(email.html, /https:\/\/health\.example\.com\/resource-metrics\?accountId=acc-1&amp;region=us-east-1&amp;namespace=AWS%2FEC2&amp;metric=CPUUtilization/);
  t.match(email.text, /- Alarm high-cpu-<web> is in ALARM\n {2}Prod · us-east-1 · AWS\/EC2 CPUUtilization > 80 · since 2026-12-02 07:52:08 UTC/);
  t.match(email.text, /- Alarm lambda-errors-f is OK again/);
  t.match(email.text, /Unsubscribe or change your notification preferences: https:\/\/health\.example\.com\/settings/);
  const one = renderAlarmAlertEmail({ publicUrl: 'https://health.example.com' }, { tenantName: 'Acme', items: [{ state: 'fired', name: 'x', accountId: 'a', region: 'eu-west-1', at: '2026-12-02T07:52:08.000Z' }] });
  t.equal(one.subject, '[Cloud Health] Alarm x is in ALARM');
});
