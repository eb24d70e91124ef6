/**
 * AWS Health alerts: which events of a new DescribeEvents answer opened since the stored one, and
 * which of them someone wants mailed. Pure: the caller reads the stored events and writes what
 * this decides.
 *
 * Exactly once per event: the key is `health:<account>:<event ARN>`, with neither the status nor
 * `lastUpdatedTime` in it. AWS moves `lastUpdatedTime` on every update it posts to an ongoing
 * event (an outage gets several), which would mail each update; and an event's status only moves
 * forward (upcoming -> open -> closed, a new occurrence is a new ARN), so the ARN names one alert.
 * The account is in the key because AWS's public events (a regional outage) share one ARN across
 * the accounts they affect, and a tenant hears of each affected account.
 */
import type { HealthEvent } from '../domain/records.js';

/** `issue`: an AWS service issue open now; `scheduled`: scheduled maintenance upcoming or under way. */
export type HealthAlertKind = 'issue' | 'scheduled';

/** An event that became alertable between the stored answer and the new one. */
export interface HealthOpening {
  /** `health:<account>:<event ARN>`: claimed once, whatever later updates the event gets. */
  key: string;
  kind: HealthAlertKind;
  accountId: string;
  event: HealthEvent;
  /** True when the account had no stored answer yet: recorded, never mailed (connecting sends no mail). */
  baseline: boolean;
}

/** Who wants which AWS Health emails. */
export interface HealthAlertPreferences {
  /** An AWS service issue affecting the account opens. */
  healthIssues: boolean;
  /** Scheduled maintenance affecting the account is announced. */
  healthScheduled: boolean;
}

/** The marker key of an event's alert. */
export function healthAlertKey(accountId: string, eventArn: string): string {
  return `health:${accountId}:${eventArn}`;
}

/** What an event alerts as, now: an open issue, or a scheduled change not yet closed; else nothing. */
export function healthAlertKind(event: Pick<HealthEvent, 'category' | 'status'>): HealthAlertKind | undefined {
  if (event.category === 'issue') return event.status === 'open' ? 'issue' : undefined;
  if (event.category === 'scheduledChange') return event.status === 'closed' ? undefined : 'scheduled';
  // Account notifications and investigations are shown on the overview, not mailed.
  return undefined;
}

/**
 * The events of `current` (the account's new answer) that are alertable now and were not in
 * `previous` (the stored answer; undefined: the account was never read, so every one is a
 * baseline). An event alertable in both was seen already: its key was decided then.
 */
export function healthOpenings(accountId: string, previous: readonly HealthEvent[] | undefined, current: readonly HealthEvent[]): HealthOpening[] {
  const before = new Set((previous ?? []).filter((e) => healthAlertKind(e) !== undefined).map((e) => e.arn));
  const out: HealthOpening[] = [];
  for (const event of current) {
    const kind = healthAlertKind(event);
    if (!kind || !event.arn || before.has(event.arn)) continue;
    out.push({ key: healthAlertKey(accountId, event.arn), kind, accountId, event, baseline: previous === undefined });
  }
  return out;
}

/** Whether preferences ask for this kind of AWS Health alert. */
export function wantsHealthAlert(kind: HealthAlertKind, preferences: HealthAlertPreferences): boolean {
  return kind === 'issue' ? preferences.healthIssues : preferences.healthScheduled;
}

/** The openings that warrant an email for someone with `preferences`, leaving out baselines and keys in `sent`. */
export function decideHealthAlerts(openings: readonly HealthOpening[], preferences: HealthAlertPreferences, sent: ReadonlySet<string>): HealthOpening[] {
  return openings.filter((o) => !o.baseline && !sent.has(o.key) && wantsHealthAlert(o.kind, preferences));
}
