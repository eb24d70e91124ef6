import t from 'tap';
import {
  costAlertKey,
  decideCostAlerts,
  decideFindingAlerts,
  findCostEvents,
  findingAlertKey,
  groupAlerts,
  type AlertPreferences,
  type CostEvent,
} from '../../src/rules/index.js';
import type { Finding } from '../../src/domain/records.js';
import { costs, finding, NOW, repeat } from './fixtures/records.js';

const ALL: AlertPreferences = { critical: true, warning: true, costAlerts: true };
const CRITICAL_ONLY: AlertPreferences = { critical: true, warning: false, costAlerts: false };

function decide(findings: Finding[], preferences = ALL, sent?: ReadonlySet<string>) {
  return decideFindingAlerts({ tenantId: 't1', preferences, findings: findings.map((f) => ({ accountId: 'acc-1', finding: f })), ...(sent ? { sent } : {}) });
}

const bands = [finding({ id: 'low', severity: 3.9 }), finding({ id: 'med', severity: 4 }), finding({ id: 'high', severity: 7 }), finding({ id: 'crit', severity: 9 })];

t.test('preferences decide by band; Low never alerts', async (t) => {
  t.same(decide(bands, CRITICAL_ONLY).map((a) => a.band), ['high', 'critical']);
  t.same(decide(bands, ALL).map((a) => a.band), ['medium', 'high', 'critical']);
  t.same(decide(bands, { critical: false, warning: true, costAlerts: true }).map((a) => a.band), ['medium']);
  t.same(decide(bands, { critical: false, warning: false, costAlerts: true }), []);
  t.same(decide([finding({ severity: 6.9 })], CRITICAL_ONLY), [], '6.9 is Medium');
});

t.test('archived findings never alert', async (t) => {
  t.same(decide([finding({ severity: 9.9, archived: true })]), []);
});

t.test('dedup per finding and band: a repeat is quiet, a rise alerts again, a fall does not', async (t) => {
  const [first] = decide([finding({ severity: 7.5 })]);
  t.equal(first?.key, 'finding:acc-1:f-1:high');
  const sent = new Set([first!.key]);
  t.same(decide([finding({ severity: 8.2 })], ALL, sent), [], 'same band again');
  const [rise] = decide([finding({ severity: 9.1 })], ALL, sent);
  t.equal(rise?.key, findingAlertKey('acc-1', 'f-1', 'critical'));
  t.same(decide([finding({ severity: 7 })], ALL, new Set([rise!.key])), [], 'back down to High after a Critical alert');
});

t.test('a finding listed twice alerts once, at its highest severity', async (t) => {
  const alerts = decide([finding({ severity: 7 }), finding({ severity: 9.4 })]);
  t.same(alerts.map((a) => [a.band, a.finding.severity]), [['critical', 9.4]]);
});

function events(): CostEvent[] {
  return findCostEvents({
    now: NOW,
    monthlyBudgetUsd: 100,
    accounts: [{ accountId: 'acc-1', dailyCosts: costs('AWS Lambda', [...repeat(5, 14), 80]) }],
  });
}

t.test('cost events: a spike and a budget threshold, off unless costAlerts is on', async (t) => {
  const found = events();
  // March to date: 13 days at $5 and $80 on the 14th = $145, past 100 % of the $100 budget (no forecast).
  t.same(found.map((e) => e.kind), ['spike', 'threshold']);
  t.match(found[1], { scope: 'tenant', basis: 'actual', threshold: 100, month: '2026-03', actualToDateUsd: 145 });
  t.same(decideCostAlerts({ tenantId: 't1', preferences: CRITICAL_ONLY, events: found, now: NOW }), []);
  const alerts = decideCostAlerts({ tenantId: 't1', preferences: ALL, events: found, now: NOW });
  t.same(alerts.map((a) => a.key), ['cost:' + (found[0] as { recommendationId: string }).recommendationId + ':2026-03-14', 'budget:all:2026-03:100:actual']);
});

t.test('cost alerts: a spike once, a budget threshold once a month', async (t) => {
  const found = events();
  const today = decideCostAlerts({ tenantId: 't1', preferences: ALL, events: found, now: NOW });
  const sent = new Set(today.map((a) => a.key));
  t.same(decideCostAlerts({ tenantId: 't1', preferences: ALL, events: found, now: new Date('2026-03-15T22:00:00Z'), sent }), [], 'later the same day');
  const tomorrow = new Date('2026-03-16T09:00:00Z');
  t.same(decideCostAlerts({ tenantId: 't1', preferences: ALL, events: found, now: tomorrow, sent }), [], 'the spike of the 14th and the threshold of March stay one alert each');
  t.equal(costAlertKey(found[0]!, tomorrow).key, costAlertKey(found[0]!, NOW).key);
  t.same(decideCostAlerts({ tenantId: 't1', preferences: ALL, events: [...found, ...found], now: NOW }).length, 2, 'duplicates in one run');
});

t.test('many findings at once make one batch per tenant, most severe first', async (t) => {
  const many = Array.from({ length: 30 }, (_, i) => finding({ id: `f-${i}`, severity: 7 + (i % 3) }));
  const alerts = [
    ...decide(many),
    ...decideFindingAlerts({ tenantId: 't2', preferences: ALL, findings: [{ accountId: 'x', finding: finding() }] }),
    ...decideCostAlerts({ tenantId: 't1', preferences: ALL, events: events(), now: NOW }),
  ];
  const batches = groupAlerts([...alerts, alerts[0]!]);
  t.same(batches.map((b) => [b.tenantId, b.findings.length, b.costs.length, b.keys.length]), [
    ['t1', 30, 2, 32],
    ['t2', 1, 0, 1],
  ]);
  const severities = batches[0]!.findings.map((a) => a.finding.severity);
  t.same(severities, [...severities].sort((a, b) => b - a));
});
