import t, { type Test } from 'tap';
import {
  renderCostAlertEmail,
  renderCriticalAlertEmail,
  renderDailyDigestEmail,
  renderVerificationEmail,
  type MailContext,
  type RenderedEmail,
} from '../../src/mail/index.js';
import { decideFindingAlerts, findCostEvents, groupAlerts, decideCostAlerts } from '../../src/rules/index.js';
import type { Finding } from '../../src/domain/records.js';

const CTX: MailContext = { publicUrl: 'https://health.example.com/app' };
const XSS = '<script>alert(1)</script>';
const EVIL_LINE = `Root login\r\nBcc: everyone@example.com ${XSS}`;

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: 'f-1',
    region: 'us-east-1',
    detectorId: 'd',
    type: 'Policy:IAMUser/RootCredentialUsage',
    title: XSS,
    description: 'root used',
    severity: 9.2,
    resourceType: 'AccessKey',
    resourceId: 'AKIA<x>',
    createdAt: '2026-03-15T08:00:00Z',
    updatedAt: '2026-03-15T09:00:00Z',
    archived: false,
    count: 3,
    ...overrides,
  };
}

function hrefs(email: RenderedEmail): string[] {
  return [...email.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
}

/** What every email must satisfy, whatever its data. */
function checkCommon(t: Test, email: RenderedEmail, withPreferences: boolean) {
  t.notMatch(email.subject, /[\r\n]/, 'subject on one line');
  t.notOk(email.html.includes(XSS), 'no raw script tag in HTML');
  t.notMatch(email.html, /<script/i);
  const links = hrefs(email);
  t.ok(links.length > 0, 'has links');
  t.ok(links.every((h) => h.startsWith('https://health.example.com/app/')), `links from the public URL: ${links.join(' ')}`);
  const prefs = 'https://health.example.com/app/settings';
  t.equal(links.includes(prefs), withPreferences, 'preferences link in HTML');
  t.equal(email.text.includes(prefs), withPreferences, 'preferences link in text');
}

t.test('verification email', async (t) => {
  const email = renderVerificationEmail(CTX, { token: 'tok/1+2', expiresInHours: 24, organization: EVIL_LINE });
  checkCommon(t, email, false);
  t.equal(email.subject, 'Verify your email address for Cloud Health');
  t.ok(hrefs(email).includes('https://health.example.com/app/verify?token=tok%2F1%2B2'));
  t.ok(email.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'organization escaped');
  t.ok(email.text.includes('https://health.example.com/app/verify?token=tok%2F1%2B2'));
  t.match(email.text, 'expires in 24 hours');
  const plain = renderVerificationEmail({ publicUrl: 'https://health.example.com/app/', productName: 'Acme Health' }, { token: 't', expiresInHours: 1 });
  checkCommon(t, plain, false);
  t.equal(plain.subject, 'Verify your email address for Acme Health');
  t.match(plain.text, 'Someone asked to use this address for Acme Health.');
  t.match(plain.text, 'expires in 1 hour.');
});

t.test('critical alert: one finding', async (t) => {
  const email = renderCriticalAlertEmail(CTX, { tenantName: 'Acme', findings: [finding({ title: EVIL_LINE })] });
  checkCommon(t, email, true);
  t.equal(email.subject, `[Cloud Health] Critical (9.2) GuardDuty finding: Root login Bcc: everyone@example.com ${XSS}`);
  t.ok(email.html.includes('Root login Bcc: everyone@example.com &lt;script&gt;alert(1)&lt;/script&gt;'), 'escaped in HTML');
  t.ok(email.text.includes(`Critical (9.2): Root login Bcc: everyone@example.com ${XSS}`), 'plain in text');
  t.ok(email.html.includes('AccessKey AKIA&lt;x&gt;'));
  t.ok(email.text.includes('seen 3 times'));
});

t.test('critical alert: many findings from one batch make one email, most severe first, bounded', async (t) => {
  const findings = Array.from({ length: 40 }, (_, i) => finding({ id: `f-${i}`, title: `${XSS} #${i}`, severity: i === 7 ? 9.9 : 7.5 }));
  const alerts = decideFindingAlerts({
    tenantId: 't1',
    preferences: { critical: true, warning: false, costAlerts: false },
    findings: findings.map((f) => ({ accountId: 'acc-1', finding: f })),
  });
  const [batch] = groupAlerts(alerts);
  const email = renderCriticalAlertEmail(CTX, { tenantName: 'Acme', findings: batch!.findings.map((a) => ({ ...a.finding, accountName: 'prod' })) });
  checkCommon(t, email, true);
  t.equal(email.subject, '[Cloud Health] 40 GuardDuty findings need attention (1 critical, 39 high)');
  t.ok(email.text.indexOf('#7') < email.text.indexOf('#0'), 'the critical one is listed first');
  t.match(email.text, '...and 15 more.');
  t.match(email.html, 'account prod');
});

t.test('cost alert from the rules cost events', async (t) => {
  const events = findCostEvents({
    now: new Date('2026-03-15T10:00:00Z'),
    monthlyBudgetUsd: 100,
    accounts: [
      {
        accountId: 'acc-1',
        dailyCosts: Array.from({ length: 15 }, (_, i) => ({
          day: `2026-03-${String(i).padStart(2, '0')}`.replace('2026-03-00', '2026-02-28'),
          service: XSS,
          amountUsd: i === 14 ? 80 : 5,
        })),
      },
    ],
  });
  const alerts = decideCostAlerts({ tenantId: 't1', preferences: { critical: false, warning: false, costAlerts: true }, events, now: new Date('2026-03-15T10:00:00Z') });
  const [batch] = groupAlerts(alerts);
  const email = renderCostAlertEmail(CTX, { tenantName: 'Acme', events: batch!.costs.map((c) => c.event) });
  checkCommon(t, email, true);
  t.equal(email.subject, '[Cloud Health] 2 cost alerts');
  t.ok(email.html.includes(`Cost spike: &lt;script&gt;alert(1)&lt;/script&gt; on 2026-03-14`));
  t.ok(email.text.includes(`Cost spike: ${XSS} on 2026-03-14`));
  t.match(email.text, '100% of the monthly budget spent in 2026-03', 'the budget threshold: $145 spent of $100');
  const single = renderCostAlertEmail(CTX, {
    tenantName: 'Acme',
    events: [{ kind: 'budget', month: '2026-03', projectedUsd: 1200, budgetUsd: 1000, actualToDateUsd: 600 }],
  });
  t.equal(single.subject, '[Cloud Health] Spend for 2026-03 projected above budget');
  t.match(single.text, 'Projected $1,200.00 against a budget of $1,000.00 ($600.00 spent so far).');
});

t.test('daily digest', async (t) => {
  const email = renderDailyDigestEmail(CTX, {
    tenantName: `Acme\n${XSS}`,
    day: '2026-03-14',
    cost: { dayUsd: 42.5, monthToDateUsd: 600, projectedMonthUsd: 1300, budgetUsd: 1000, topServices: [{ service: XSS, amountUsd: 20 }] },
    findings: { newByBand: { critical: 1, medium: 2 }, openHighOrCritical: 3 },
    recommendations: [{ title: `Stop idle EC2 instance ${XSS}`, priority: 'high', category: 'cost', estimatedMonthlySavingUsd: 730 }],
    potentialMonthlySavingUsd: 730,
    accountIssues: [{ accountName: 'prod', reason: 'credentials rejected' }],
  });
  checkCommon(t, email, true);
  t.equal(email.subject, `[Cloud Health] Daily digest for Acme ${XSS}, 2026-03-14`);
  t.ok(email.html.includes('Stop idle EC2 instance &lt;script&gt;'));
  t.ok(email.text.includes(`[high] Stop idle EC2 instance ${XSS} (save ~$730.00/month)`));
  t.match(email.text, 'New findings: 1 critical, 2 medium. Open high or critical: 3.');
  t.match(email.text, 'Projected for the month: $1,300.00 (budget $1,000.00, over).');
  t.match(email.text, 'prod: credentials rejected');
  const quiet = renderDailyDigestEmail(CTX, { tenantName: 'Acme', day: '2026-03-14', findings: { newByBand: {}, openHighOrCritical: 0 }, recommendations: [] });
  checkCommon(t, quiet, true);
  t.match(quiet.text, 'No new findings');
  t.match(quiet.text, 'Nothing new to recommend.');
});
