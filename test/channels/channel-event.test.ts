/** What a tenant's channels receive of an alert: every kind at its default level (CHANNEL_RECIPIENT). */
import t from 'tap';
import { eventOf } from '../../src/channels/channel-event.js';
import type { AlertPayload } from '../../src/mail/alert-payload.js';

const meta = { id: 'ob-1', tenantId: 't-1', createdAt: '2026-03-01T00:00:00.000Z', publicUrl: 'https://health.example.com' };
const finding = (id: string, severity: number, band: 'medium' | 'high') => ({ key: `finding:a:${id}:${band}`, accountId: 'a', findingId: id, band, title: id, severity, type: 'T', region: 'us-east-1', updatedAt: '', count: 1 });

t.test('alarms and their recoveries reach channels whatever the users asked by email; Medium findings and digests do not', async (t) => {
  const alarms: AlertPayload = {
    kind: 'alarms',
    tenantName: 'Acme',
    recipients: [],
    changes: [
      { key: 'alarm:x:1', item: { state: 'fired', name: 'high-cpu', accountId: 'a', region: 'us-east-1', at: '2026-03-01T00:00:00.000Z', namespace: 'AWS/EC2', metricName: 'CPUUtilization' } },
      { key: 'alarm:y:2', item: { state: 'recovered', name: 'errors', accountId: 'a', region: 'us-east-1', at: '2026-03-01T00:01:00.000Z' } },
    ],
  };
  t.match(eventOf(alarms, meta), { kind: 'alarms', summary: '2 CloudWatch alarm changes', items: [{ type: 'alarm', title: 'Alarm high-cpu is in ALARM', detail: 'AWS/EC2 CPUUtilization' }, { type: 'alarm', title: 'Alarm errors is OK again' }] });
  const findings = (list: ReturnType<typeof finding>[]): AlertPayload => ({ kind: 'findings', tenantName: 'Acme', recipients: [], findings: list });
  t.equal(eventOf(findings([finding('m', 5, 'medium')]), meta), undefined, 'Medium findings are mailed only to who asks');
  t.same(eventOf(findings([finding('m', 5, 'medium'), finding('h', 8, 'high')]), meta)?.items.map((i) => i.title), ['h'], 'High ones go');
});
