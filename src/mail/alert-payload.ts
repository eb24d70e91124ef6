/**
 * What an outbox item holds: the data an email is rendered from, the recipients with what each
 * asked for, and the marker key of every alert in it. Emails are rendered when they are sent,
 * from this JSON, so an item can be cut down to the alerts it owns and several items of one
 * tenant can be merged into one email per recipient.
 */
import type { SeverityBand } from '../domain/records.js';
import { renderAccessAlertEmail, type AccessAlertItem } from './access-alert-email.js';
import { renderAlarmAlertEmail, type AlarmAlertItem } from './alarm-alert-email.js';
import { renderCostAlertEmail, type CostAlertItem } from './cost-alert-email.js';
import { renderCriticalAlertEmail, type AlertFindingView } from './critical-alert-email.js';
import { renderDailyDigestEmail, type DailyDigestData } from './daily-digest-email.js';
import { renderHealthAlertEmail, type HealthAlertItem } from './health-alert-email.js';
import type { MailContext, RenderedEmail } from './mail-layout.js';

/** A verified address of the tenant and the emails its user asked for. */
export interface AlertRecipient {
  userId: string;
  to: string;
  /** High and Critical findings. */
  critical: boolean;
  /** Medium findings. */
  warning: boolean;
  /** Cost spikes and budget overruns. */
  costTips: boolean;
  /** A CloudWatch alarm entering ALARM; absent in items written before alarms alerted: true. */
  alarms?: boolean;
  /** A CloudWatch alarm returning to OK; absent: false. */
  alarmRecovered?: boolean;
  /** An AWS Health issue affecting an account opened; absent in items written before Health alerted: true. */
  healthIssues?: boolean;
  /** Scheduled maintenance affecting an account (AWS Health); absent: false. */
  healthScheduled?: boolean;
}

/** A finding in an alert: what the email shows, and what its marker is claimed with. */
export interface PendingFinding extends AlertFindingView {
  /** The rules' dedup key (`finding:<account>:<finding>:<band>`). */
  key: string;
  accountId: string;
  findingId: string;
  band: SeverityBand;
}

/** A cost event in an alert; `key` is the rules' `cost:<recommendation>:<day>`. */
export interface PendingCost {
  key: string;
  item: CostAlertItem;
}

/** An account access transition; `key` is the rules' `access:<account>:<problem>:<episode>[:recovered]`. */
export interface PendingAccess {
  key: string;
  item: AccessAlertItem;
}

/** An alarm transition; `key` is the rules' `alarm:<ARN>:<transition time>`. */
export interface PendingAlarm {
  key: string;
  item: AlarmAlertItem;
}

/** An AWS Health event; `key` is the rules' `health:<account>:<event ARN>`. */
export interface PendingHealth {
  key: string;
  item: HealthAlertItem;
}

export type AlertPayload =
  | { kind: 'findings'; tenantName: string; recipients: AlertRecipient[]; findings: PendingFinding[] }
  | { kind: 'access'; tenantName: string; recipients: AlertRecipient[]; changes: PendingAccess[] }
  | { kind: 'costs'; tenantName: string; recipients: AlertRecipient[]; costs: PendingCost[] }
  | { kind: 'alarms'; tenantName: string; recipients: AlertRecipient[]; changes: PendingAlarm[] }
  | { kind: 'health'; tenantName: string; recipients: AlertRecipient[]; events: PendingHealth[] }
  | { kind: 'digest'; recipients: AlertRecipient[]; key: string; digest: DailyDigestData };

/** What one recipient gets of a payload; several items' contents of one kind merge into one email. */
export type AlertContent =
  | { kind: 'findings'; tenantName: string; findings: PendingFinding[] }
  | { kind: 'access'; tenantName: string; changes: PendingAccess[] }
  | { kind: 'costs'; tenantName: string; costs: PendingCost[] }
  | { kind: 'alarms'; tenantName: string; changes: PendingAlarm[] }
  | { kind: 'health'; tenantName: string; events: PendingHealth[] }
  | { kind: 'digest'; digest: DailyDigestData };

/** Read a payload back from the outbox; throws `SyntaxError` on garbage. */
export function parsePayload(json: string): AlertPayload {
  const payload = JSON.parse(json) as AlertPayload;
  if (!payload || !['findings', 'costs', 'digest', 'access', 'alarms', 'health'].includes(payload.kind) || !Array.isArray(payload.recipients)) {
    throw new SyntaxError('not an alert payload');
  }
  return payload;
}

/** Whether a recipient asked for findings of this band (Low never alerts). */
export function wantsBand(recipient: AlertRecipient, band: SeverityBand): boolean {
  if (band === 'critical' || band === 'high') return recipient.critical;
  return band === 'medium' && recipient.warning;
}

/** What recipient `index` gets of the payload; undefined when nothing in it is for them. */
export function contentFor(payload: AlertPayload, index: number): AlertContent | undefined {
  const recipient = payload.recipients[index];
  if (!recipient) return undefined;
  switch (payload.kind) {
    case 'findings': {
      const findings = payload.findings.filter((f) => wantsBand(recipient, f.band));
      return findings.length > 0 ? { kind: 'findings', tenantName: payload.tenantName, findings } : undefined;
    }
    case 'costs':
      return recipient.costTips && payload.costs.length > 0 ? { kind: 'costs', tenantName: payload.tenantName, costs: payload.costs } : undefined;
    case 'access':
      // Addressed to the owners only (see the dispatcher), whatever their alert preferences.
      return payload.changes.length > 0 ? { kind: 'access', tenantName: payload.tenantName, changes: payload.changes } : undefined;
    case 'alarms': {
      const changes = payload.changes.filter((c) => wantsAlarm(recipient, c.item.state));
      return changes.length > 0 ? { kind: 'alarms', tenantName: payload.tenantName, changes } : undefined;
    }
    case 'health': {
      const events = payload.events.filter((e) => wantsHealth(recipient, e.item.kind));
      return events.length > 0 ? { kind: 'health', tenantName: payload.tenantName, events } : undefined;
    }
    case 'digest':
      return { kind: 'digest', digest: payload.digest };
  }
}

/** Whether a recipient asked for this AWS Health alert (open issues by default, scheduled maintenance if asked). */
export function wantsHealth(recipient: AlertRecipient, kind: HealthAlertItem['kind']): boolean {
  return kind === 'issue' ? recipient.healthIssues !== false : recipient.healthScheduled === true;
}

/**
 * What a tenant's alert channels (Slack, webhooks) receive, as if they were one recipient: every
 * alert kind, each at its default level, whatever the users asked for by email: High and
 * Critical findings, cost alerts, account access changes, alarms entering ALARM and returning to
 * OK, AWS Health issues and scheduled maintenance. Not Medium findings (mailed only to who asks)
 * and not the digest (email only).
 */
export const CHANNEL_RECIPIENT: Readonly<AlertRecipient> = Object.freeze({
  userId: '#channels',
  to: '#channels',
  critical: true,
  warning: false,
  costTips: true,
  alarms: true,
  alarmRecovered: true,
  healthIssues: true,
  healthScheduled: true,
});

/** What the tenant's channels get of a payload (CHANNEL_RECIPIENT's share); undefined for nothing. */
export function channelContent(payload: AlertPayload): AlertContent | undefined {
  return contentFor({ ...payload, recipients: [CHANNEL_RECIPIENT] } as AlertPayload, 0);
}

/** Whether a recipient asked for this alarm transition (entering ALARM by default, recoveries if asked). */
export function wantsAlarm(recipient: AlertRecipient, state: AlarmAlertItem['state']): boolean {
  return state === 'fired' ? recipient.alarms !== false : recipient.alarmRecovered === true;
}

/**
 * One content from several of the same kind (and tenant): findings listed once each at their
 * highest band, cost events once per key. Digests do not merge; the first is kept.
 */
export function mergeContents(contents: readonly AlertContent[]): AlertContent | undefined {
  const [first] = contents;
  if (!first || first.kind === 'digest') return first;
  if (first.kind === 'findings') {
    const best = new Map<string, PendingFinding>();
    for (const content of contents) {
      if (content.kind !== 'findings') continue;
      for (const f of content.findings) {
        const id = JSON.stringify([f.accountId, f.findingId]);
        const seen = best.get(id);
        if (!seen || f.severity > seen.severity) best.set(id, f);
      }
    }
    return { kind: 'findings', tenantName: first.tenantName, findings: [...best.values()] };
  }
  if (first.kind === 'access') {
    const changes = new Map<string, PendingAccess>();
    for (const content of contents) if (content.kind === 'access') for (const c of content.changes) if (!changes.has(c.key)) changes.set(c.key, c);
    return { kind: 'access', tenantName: first.tenantName, changes: [...changes.values()] };
  }
  if (first.kind === 'alarms') {
    const changes = new Map<string, PendingAlarm>();
    for (const content of contents) if (content.kind === 'alarms') for (const c of content.changes) if (!changes.has(c.key)) changes.set(c.key, c);
    return { kind: 'alarms', tenantName: first.tenantName, changes: [...changes.values()].sort((a, b) => a.item.at.localeCompare(b.item.at)) };
  }
  if (first.kind === 'health') {
    const events = new Map<string, PendingHealth>();
    for (const content of contents) if (content.kind === 'health') for (const e of content.events) if (!events.has(e.key)) events.set(e.key, e);
    return { kind: 'health', tenantName: first.tenantName, events: [...events.values()].sort((a, b) => (a.item.startTime ?? '').localeCompare(b.item.startTime ?? '')) };
  }
  const costs = new Map<string, PendingCost>();
  for (const content of contents) if (content.kind === 'costs') for (const c of content.costs) if (!costs.has(c.key)) costs.set(c.key, c);
  return { kind: 'costs', tenantName: first.tenantName, costs: [...costs.values()] };
}

/** Render a recipient's content with the templates (which escape every outside value). */
export function renderContent(ctx: MailContext, content: AlertContent): RenderedEmail {
  switch (content.kind) {
    case 'findings':
      return renderCriticalAlertEmail(ctx, { tenantName: content.tenantName, findings: content.findings });
    case 'costs':
      return renderCostAlertEmail(ctx, { tenantName: content.tenantName, events: content.costs.map((c) => c.item) });
    case 'access':
      return renderAccessAlertEmail(ctx, { tenantName: content.tenantName, items: content.changes.map((c) => c.item) });
    case 'alarms':
      return renderAlarmAlertEmail(ctx, { tenantName: content.tenantName, items: content.changes.map((c) => c.item) });
    case 'health':
      return renderHealthAlertEmail(ctx, { tenantName: content.tenantName, items: content.events.map((e) => e.item) });
    case 'digest':
      return renderDailyDigestEmail(ctx, content.digest);
  }
}
