/**
 * Claiming an outbox item's alerts: one conditional-put marker per alert (store.alerts), owned
 * by the item, so whichever instance or restart claims the same alert again learns whether it
 * was this item's (true again) or another's (false). The item keeps only what it owns.
 */
import type { SeverityBand } from '../domain/records.js';
import type { AlertMarkers } from '../store/index.js';
import { BUDGET_THRESHOLDS, budgetThresholdKey } from '../rules/index.js';
import type { AlertPayload } from './alert-payload.js';

/** How long a cost alert's marker is kept: past the spike window and the month of a budget key. Default 40 days. */
export const COST_MARKER_TTL_MS = 40 * 86_400_000;
/**
 * How long an access alert's marker is kept: 180 days. A problem still there after that is
 * mailed once more, as a reminder.
 */
export const ACCESS_MARKER_TTL_MS = 180 * 86_400_000;
/** How long an alarm transition's marker is kept: its key holds the transition time, so it is never seen again after that. */
export const ALARM_MARKER_TTL_MS = 40 * 86_400_000;
/**
 * How long an AWS Health event's marker is kept: its key is the event (no time in it), and it is
 * re-derived only while the stored answer lacks the event; scheduled maintenance is announced
 * weeks ahead, so the marker outlives any event's announcement by far.
 */
export const HEALTH_MARKER_TTL_MS = 180 * 86_400_000;
/** How long a digest's marker (`digest#<day>#<user>`) is kept. */
export const DIGEST_MARKER_TTL_MS = 3 * 86_400_000;

/** Severities of the bands below `band` that can alert: claimed too, so a finding that falls back does not alert again. */
const LOWER: Record<SeverityBand, number[]> = { critical: [7, 4], high: [4], medium: [], low: [] };

/** The marker owner of an outbox item. */
export function markerOwner(itemId: string): string {
  return `outbox:${itemId}`;
}

/** Run `fn` over `items`, `width` at a time. */
async function eachLimited<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** Claim each keyed alert's marker for `owner`; the ones it owns, in their order. */
async function claimKeyed<T extends { key: string }>(alerts: AlertMarkers, tenantId: string, owner: string, list: readonly T[], ttlMs: number): Promise<T[]> {
  const owned = new Set<string>();
  await eachLimited(list, 8, async (entry) => {
    if (await alerts.claim(tenantId, entry.key, ttlMs, owner)) owned.add(entry.key);
  });
  return list.filter((entry) => owned.has(entry.key));
}

/**
 * Claim every alert of `payload` for item `itemId` (idempotent for that item) and return the
 * payload cut down to the alerts it owns, or undefined when it owns none.
 */
export async function claimPayload(alerts: AlertMarkers, tenantId: string, itemId: string, payload: AlertPayload): Promise<AlertPayload | undefined> {
  const owner = markerOwner(itemId);
  switch (payload.kind) {
    case 'findings': {
      const owned = new Set<string>();
      await eachLimited(payload.findings, 8, async (f) => {
        if (!(await alerts.claimFindingAlert(tenantId, { accountId: f.accountId, findingId: f.findingId, severity: f.severity }, owner))) return;
        owned.add(f.key);
        // Best effort: a lower band already claimed (the finding rose) is fine either way.
        for (const severity of LOWER[f.band]) await alerts.claimFindingAlert(tenantId, { accountId: f.accountId, findingId: f.findingId, severity }, owner);
      });
      const findings = payload.findings.filter((f) => owned.has(f.key));
      return findings.length > 0 ? { ...payload, findings } : undefined;
    }
    case 'costs': {
      const costs = await claimKeyed(alerts, tenantId, owner, payload.costs, COST_MARKER_TTL_MS);
      // Best effort, like a finding's lower bands: a threshold's lower ones of the same budget,
      // month and basis are claimed with it, so a dip and a new rise never mail a lower one.
      for (const { item } of costs) {
        if (item.kind !== 'threshold') continue;
        const scope = item.accountId === undefined ? ({ scope: 'tenant' } as const) : ({ scope: 'account', accountId: item.accountId } as const);
        for (const threshold of BUDGET_THRESHOLDS.filter((t) => t < item.threshold)) {
          await alerts.claim(tenantId, budgetThresholdKey({ ...scope, month: item.month, basis: item.basis, threshold }), COST_MARKER_TTL_MS, owner);
        }
      }
      return costs.length > 0 ? { ...payload, costs } : undefined;
    }
    case 'access': {
      const changes = await claimKeyed(alerts, tenantId, owner, payload.changes, ACCESS_MARKER_TTL_MS);
      return changes.length > 0 ? { ...payload, changes } : undefined;
    }
    case 'alarms': {
      const changes = await claimKeyed(alerts, tenantId, owner, payload.changes, ALARM_MARKER_TTL_MS);
      return changes.length > 0 ? { ...payload, changes } : undefined;
    }
    case 'health': {
      const events = await claimKeyed(alerts, tenantId, owner, payload.events, HEALTH_MARKER_TTL_MS);
      return events.length > 0 ? { ...payload, events } : undefined;
    }
    case 'digest':
      return (await alerts.claim(tenantId, payload.key, DIGEST_MARKER_TTL_MS, owner)) ? payload : undefined;
  }
}
