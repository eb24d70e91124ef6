/**
 * The event a channel receives: one JSON document per alert outbox item, version 1. The generic
 * webhook gets it as its body (README "Alert channels" documents the schema); Slack gets a
 * message rendered from it. Built when the item fans out and stored with each delivery, so every
 * retry sends the same event (same `id`: receivers deduplicate on it).
 */
import { assertNever } from '../domain/assert-never.js';
import { channelContent, type AlertPayload } from '../mail/alert-payload.js';
import { healthHeadline } from '../mail/health-alert-email.js';
import { formatUsd } from '../mail/format.js';
import { mailLinks } from '../mail/mail-links.js';

/** Bumped only on an incompatible change; fields may be added within a version. */
export const CHANNEL_EVENT_VERSION = 1 as const;

/** One thing the alert is about. */
export interface ChannelEventItem {
  /**
   * `finding` (GuardDuty), `cost` (spike or budget), `access` (an account's AWS access broke or
   * recovered), `alarm` (a CloudWatch alarm entered ALARM or returned to OK), `health` (an AWS
   * Health issue or scheduled maintenance affecting an account).
   */
  type: 'finding' | 'cost' | 'access' | 'alarm' | 'health';
  title: string;
  /** Findings: the GuardDuty band. */
  severity?: 'critical' | 'high' | 'medium' | 'low';
  /** Findings: GuardDuty's numeric severity (1.0-10.0). */
  severityScore?: number;
  /** The account's display name. */
  account?: string;
  region?: string;
  /** Free detail, e.g. the resource or the amounts. */
  detail?: string;
  /** When it happened or starts (ISO-8601): an alarm's transition, a Health event's start. */
  at?: string;
  /** The resources it concerns (AWS Health's affected entities). */
  resources?: string[];
}

/** Version 1 of the event. */
export interface ChannelEvent {
  version: typeof CHANNEL_EVENT_VERSION;
  /** The alert's id (the outbox item); the same for every channel and every retry. */
  id: string;
  /** `test`: sent by "Send test" in Settings, not an alert. */
  type: 'alert' | 'test';
  /** What the alert is about. */
  kind: 'findings' | 'costs' | 'access' | 'alarms' | 'health' | 'test';
  /** ISO-8601. */
  createdAt: string;
  tenant: { id: string; name: string };
  /** One line, for chat and logs. */
  summary: string;
  items: ChannelEventItem[];
  links: { dashboard: string; details: string; settings: string };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * The event of an alert payload (its owned part), cut to what channels receive
 * (CHANNEL_RECIPIENT: every alert kind at its default level); undefined when nothing in it is for
 * channels (a digest, which is email-only, or only Medium findings).
 */
export function eventOf(owned: AlertPayload, meta: { id: string; tenantId: string; createdAt: string; publicUrl: string }): ChannelEvent | undefined {
  const payload = channelContent(owned);
  if (!payload || payload.kind === 'digest') return undefined;
  const links = mailLinks(meta.publicUrl);
  const base = { version: CHANNEL_EVENT_VERSION, id: meta.id, type: 'alert' as const, createdAt: meta.createdAt, tenant: { id: meta.tenantId, name: payload.tenantName } };
  const settings = links.preferences;
  switch (payload.kind) {
    case 'findings':
      return {
        ...base,
        kind: 'findings',
        summary: `${plural(payload.findings.length, 'GuardDuty finding')} need attention`,
        items: payload.findings.map((f) => ({
          type: 'finding' as const,
          title: f.title,
          severity: f.band,
          severityScore: f.severity,
          ...(f.accountName ? { account: f.accountName } : {}),
          region: f.region,
          detail: [f.type, f.resourceId ? `${f.resourceType ?? 'resource'} ${f.resourceId}` : undefined].filter(Boolean).join(' · '),
        })),
        links: { dashboard: links.dashboard, details: links.findings, settings },
      };
    case 'costs':
      return {
        ...base,
        kind: 'costs',
        summary: `${plural(payload.costs.length, 'cost alert')}`,
        items: payload.costs.map(({ item }) =>
          item.kind === 'spike'
            ? {
                type: 'cost' as const,
                title: `Cost spike: ${item.service} on ${item.day}`,
                ...(item.accountName ? { account: item.accountName } : {}),
                detail: `${formatUsd(item.amountUsd)} against a usual ${formatUsd(item.meanUsd)}`,
              }
            : item.kind === 'threshold'
              ? {
                  type: 'cost' as const,
                  title: item.basis === 'actual' ? `${item.threshold}% of the budget spent in ${item.month}` : `${item.month} forecast at ${item.threshold}% of the budget`,
                  ...(item.accountName ? { account: item.accountName } : {}),
                  detail: `${formatUsd(item.actualToDateUsd)} spent, ${formatUsd(item.projectedUsd)} expected, budget ${formatUsd(item.budgetUsd)}`,
                }
              : { type: 'cost' as const, title: `Forecast over budget for ${item.month}`, detail: `${formatUsd(item.projectedUsd)} projected, budget ${formatUsd(item.budgetUsd)}` },
        ),
        links: { dashboard: links.dashboard, details: links.costs, settings },
      };
    case 'access':
      return {
        ...base,
        kind: 'access',
        summary: `${plural(payload.changes.length, 'AWS access change')}`,
        items: payload.changes.map(({ item }) => ({
          type: 'access' as const,
          title: item.state === 'recovered' ? `Access to ${item.accountName} is back` : `Cloud Health cannot reach ${item.accountName} (${item.kind})`,
          account: item.accountName,
          ...(item.regions.length > 0 ? { region: item.regions.join(',') } : {}),
          ...(item.action ? { detail: `missing ${item.action}` } : {}),
        })),
        links: { dashboard: links.dashboard, details: links.accounts, settings },
      };
    case 'alarms':
      return {
        ...base,
        kind: 'alarms',
        summary: `${plural(payload.changes.length, 'CloudWatch alarm change')}`,
        items: payload.changes.map(({ item }) => ({
          type: 'alarm' as const,
          title: item.state === 'fired' ? `Alarm ${item.name} is in ALARM` : `Alarm ${item.name} is OK again`,
          account: item.accountName ?? item.accountId,
          region: item.region,
          at: item.at,
          ...(item.metricName ? { detail: `${item.namespace ?? ''} ${item.metricName}`.trim() } : {}),
        })),
        links: { dashboard: links.dashboard, details: links.dashboard, settings },
      };
    case 'health':
      return {
        ...base,
        kind: 'health',
        summary: `${plural(payload.events.length, 'AWS Health event')} affecting your accounts`,
        items: payload.events.map(({ item }) => ({
          type: 'health' as const,
          title: healthHeadline(item),
          account: item.accountName ?? item.accountId,
          region: item.region,
          detail: item.eventTypeCode,
          ...(item.startTime ? { at: item.startTime } : {}),
          resources: item.resources,
        })),
        links: { dashboard: links.dashboard, details: links.dashboard, settings },
      };
    default:
      return assertNever(payload, 'alert kind');
  }
}

/** The event "Send test" sends. */
export function testEvent(meta: { id: string; tenantId: string; tenantName: string; createdAt: string; publicUrl: string }): ChannelEvent {
  const links = mailLinks(meta.publicUrl);
  return {
    version: CHANNEL_EVENT_VERSION,
    id: meta.id,
    type: 'test',
    kind: 'test',
    createdAt: meta.createdAt,
    tenant: { id: meta.tenantId, name: meta.tenantName },
    summary: 'Test message from Cloud Health: this channel works',
    items: [],
    links: { dashboard: links.dashboard, details: links.preferences, settings: links.preferences },
  };
}
