/**
 * Which collected findings and cost events warrant an email, and under which dedup key. Pure:
 * the keys already sent come in as a set; the mailer's conditional-put marker per key is what
 * makes "once" hold across restarts and instances.
 */
import { severityBand, type Finding, type SeverityBand } from '../domain/records.js';
import { suppressionOf, type SuppressionRule } from '../domain/suppression.js';
import { budgetThresholdKey } from './budget-threshold-rule.js';
import type { CostEvent } from './cost-events.js';
import { utcDay } from './utc-day.js';

/** A tenant's notification preferences, as far as alerts go. */
export interface AlertPreferences {
  /** Alert on High and Critical findings. */
  critical: boolean;
  /** Alert on Medium findings too. */
  warning: boolean;
  /** Alert on cost spikes and budget overruns. */
  costAlerts: boolean;
}

/** A finding to alert about. */
export interface FindingAlert {
  kind: 'finding';
  key: string;
  tenantId: string;
  accountId: string;
  band: SeverityBand;
  finding: Finding;
}

/** A cost event to alert about. */
export interface CostAlert {
  kind: 'cost';
  key: string;
  tenantId: string;
  /** The spike's day, or the evaluation day for a budget threshold. */
  day: string;
  event: CostEvent;
}

export type Alert = FindingAlert | CostAlert;

const BAND_RANK: Record<SeverityBand, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const BANDS: readonly SeverityBand[] = ['low', 'medium', 'high', 'critical'];

/** The dedup key of a finding at a band: a rise to a higher band is a new key, so it alerts again. */
export function findingAlertKey(accountId: string, findingId: string, band: SeverityBand): string {
  return `finding:${accountId}:${findingId}:${band}`;
}

/**
 * The dedup key of a cost event. A spike's key holds its own day, so re-detecting it on later runs
 * stays one alert; a budget threshold's key holds the budget, month, threshold and basis
 * (`budgetThresholdKey`), so each threshold alerts once a month.
 */
export function costAlertKey(event: CostEvent, now: Date): { key: string; day: string } {
  if (event.kind === 'threshold') return { key: budgetThresholdKey(event), day: utcDay(now) };
  return { key: `cost:${event.recommendationId}:${event.day}`, day: event.day };
}

/** Whether preferences ask for an alert at this band. Low never alerts. */
export function wantsFindingAlert(band: SeverityBand, preferences: AlertPreferences): boolean {
  if (band === 'critical' || band === 'high') return preferences.critical;
  if (band === 'medium') return preferences.warning;
  return false;
}

/** Input of the finding decision for one tenant. */
export interface FindingAlertInput {
  tenantId: string;
  preferences: AlertPreferences;
  /** Newly collected findings, with the account each came from. */
  findings: readonly { accountId: string; finding: Finding }[];
  /** Keys already alerted (from the alert markers). */
  sent?: ReadonlySet<string>;
  /** The tenant's suppression rules: a finding an active rule matches never alerts. */
  suppressions?: readonly SuppressionRule[];
  /** When the rules' expiries are judged (ms); default now. */
  now?: number;
}

/**
 * Decide which findings to alert about: open, unsuppressed ones whose band the preferences ask for, not
 * already alerted at this band or a higher one (a finding that falls from Critical to High
 * does not alert again). A finding listed twice alerts once, at its highest band.
 */
export function decideFindingAlerts(input: FindingAlertInput): FindingAlert[] {
  const sent = input.sent ?? new Set<string>();
  const rules = input.suppressions ?? [];
  const now = input.now ?? Date.now();
  const best = new Map<string, { accountId: string; finding: Finding }>();
  for (const item of input.findings) {
    if (item.finding.archived || !Number.isFinite(item.finding.severity)) continue;
    if (rules.length > 0 && suppressionOf(rules, item.accountId, item.finding, now)) continue;
    const id = JSON.stringify([item.accountId, item.finding.id]);
    const seen = best.get(id);
    if (!seen || item.finding.severity > seen.finding.severity) best.set(id, item);
  }
  const alerts: FindingAlert[] = [];
  for (const { accountId, finding } of best.values()) {
    const band = severityBand(finding.severity);
    if (!wantsFindingAlert(band, input.preferences)) continue;
    const alreadySent = BANDS.some((b) => BAND_RANK[b] >= BAND_RANK[band] && sent.has(findingAlertKey(accountId, finding.id, b)));
    if (alreadySent) continue;
    alerts.push({ kind: 'finding', key: findingAlertKey(accountId, finding.id, band), tenantId: input.tenantId, accountId, band, finding });
  }
  return alerts;
}

/** Input of the cost decision for one tenant. */
export interface CostAlertInput {
  tenantId: string;
  preferences: AlertPreferences;
  events: readonly CostEvent[];
  /** The evaluation time (the budget key's day). */
  now: Date;
  sent?: ReadonlySet<string>;
}

/** Decide which cost events to alert about: all of them when `costAlerts` is on, once per key. */
export function decideCostAlerts(input: CostAlertInput): CostAlert[] {
  if (!input.preferences.costAlerts) return [];
  const sent = input.sent ?? new Set<string>();
  const keys = new Set<string>();
  const alerts: CostAlert[] = [];
  for (const event of input.events) {
    const { key, day } = costAlertKey(event, input.now);
    if (sent.has(key) || keys.has(key)) continue;
    keys.add(key);
    alerts.push({ kind: 'cost', key, tenantId: input.tenantId, day, event });
  }
  return alerts;
}
