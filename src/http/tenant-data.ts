/**
 * Reads of one tenant's collected data shared by the overview, the costs page and the rules,
 * each through the store's cache. Every read takes the session's tenant id; nothing here takes
 * an id from a request without checking it belongs to that tenant.
 */
import { suppressionOf, type SuppressionRule } from '../domain/suppression.js';
import type { CostRow, OverviewInputs, StoredFinding } from '../store/index.js';
import type { SeverityBand } from './api-types.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import type { TenantAccount, TenantView } from './tenant-view.js';

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** YYYY-MM-DD (UTC) of a time. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Start of the UTC month of `ms`. */
export function monthStartOf(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** The tenant's account with `accountId`, or 404 (an id of another tenant's account is simply unknown here). */
export function ownAccount(tenant: TenantView, accountId: string): TenantAccount {
  const account = tenant.accounts.find((a) => a.id === accountId);
  if (!account) throw clientError(404, 'NOT_FOUND', 'no such account');
  return account;
}

/**
 * Cost rows from the earlier of the month's 1st and 31 days ago up to today included: enough
 * for month to date, the spike rule's history and the budget projection.
 */
export async function recentCosts(rc: RouteContext, tenantId: string): Promise<{ start: string; end: string; rows: CostRow[] }> {
  const now = rc.now();
  const start = dayOf(Math.min(monthStartOf(now), now - 31 * DAY_MS));
  const end = dayOf(now + DAY_MS);
  const rows = await rc.cached(tenantId, `costs:recent:${start}:${end}`, () => rc.deps.store.costs.daily(tenantId, { start, end }));
  return { start, end, rows };
}

/** The latest forecast of each account. */
export function forecasts(rc: RouteContext, tenantId: string) {
  return rc.cached(tenantId, 'costs:forecasts', () => rc.deps.store.costs.forecasts(tenantId));
}

/** Run records and snapshots (alarms, AWS Health, Security Hub) of the tenant's current accounts (the store's cached overview inputs). */
export async function stateSnapshot(rc: RouteContext, tenantId: string): Promise<Pick<OverviewInputs, 'runs' | 'alarms' | 'health' | 'compliance'>> {
  const inputs = await rc.deps.store.reads.overview(tenantId);
  return { runs: inputs?.runs ?? [], alarms: inputs?.alarms ?? [], health: inputs?.health ?? [], compliance: inputs?.compliance ?? [] };
}

/** Most open findings read for counting or for the rules (pages of 100). */
const MAX_FINDING_PAGES = 20;

/** The tenant's finding suppression rules through the cache. */
export function suppressionRules(rc: RouteContext, tenantId: string): Promise<SuppressionRule[]> {
  return rc.cached(tenantId, 'findings:rules', () => rc.deps.store.findings.suppressions.list(tenantId));
}

/** Open findings of the tenant that no active rule suppresses, optionally only some bands, up to 2,000. */
export async function openFindings(rc: RouteContext, tenantId: string, severity?: SeverityBand[]): Promise<StoredFinding[]> {
  const [open, rules] = await Promise.all([openFindingsStored(rc, tenantId, severity), suppressionRules(rc, tenantId)]);
  if (rules.length === 0) return open;
  const now = rc.now();
  return open.filter((finding) => !suppressionOf(rules, finding.accountId, finding, now));
}

async function openFindingsStored(rc: RouteContext, tenantId: string, severity?: SeverityBand[]): Promise<StoredFinding[]> {
  return rc.cached(tenantId, `findings:open:${(severity ?? []).join(',')}`, async () => {
    const items: StoredFinding[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_FINDING_PAGES; page += 1) {
      const result = await rc.deps.store.findings.query(tenantId, { status: 'open', limit: 100, ...(severity ? { severity } : {}), ...(cursor ? { cursor } : {}) });
      items.push(...result.items);
      cursor = result.cursor;
      if (!cursor) break;
    }
    return items;
  });
}

/** Open findings counted by account and band. */
export async function findingCounts(rc: RouteContext, tenantId: string): Promise<Map<string, Record<SeverityBand, number>>> {
  const counts = new Map<string, Record<SeverityBand, number>>();
  for (const finding of await openFindings(rc, tenantId)) {
    const entry = counts.get(finding.accountId) ?? { low: 0, medium: 0, high: 0, critical: 0 };
    entry[finding.band] += 1;
    counts.set(finding.accountId, entry);
  }
  return counts;
}

/** Sum of `rows` per key. */
export function sumBy<T>(rows: readonly T[], key: (row: T) => string, amount: (row: T) => number): Map<string, number> {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0) + amount(row));
  return sums;
}

/** Round USD to a hundredth of a cent (what the API shows). */
export const usd = (amount: number): number => Math.round(amount * 10_000) / 10_000;
