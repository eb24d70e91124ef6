/**
 * Reads of one tenant's collected data for the routes: the derived-data layer's reads
 * (src/insights) over the route context's sources. Every read takes the session's tenant id;
 * nothing here takes an id from a request without checking it belongs to that tenant.
 */
import type { SuppressionRule } from '../domain/suppression.js';
import * as insights from '../insights/index.js';
import type { CostRow, OverviewInputs, StoredFinding } from '../store/index.js';
import type { SeverityBand } from './api-types.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import type { TenantAccount, TenantView } from './tenant-view.js';

export { DAY_MS, dayOf, monthStartOf, usd } from '../insights/index.js';

type Rc = Pick<RouteContext, 'insights'>;

/** The tenant's account with `accountId`, or 404 (an id of another tenant's account is simply unknown here). */
export function ownAccount(tenant: TenantView, accountId: string): TenantAccount {
  const account = tenant.accounts.find((a) => a.id === accountId);
  if (!account) throw clientError(404, 'NOT_FOUND', 'no such account');
  return account;
}

/** Cost rows of the derived figures' window (the month to date and the spike rule's history). */
export function recentCosts(rc: Rc, tenantId: string, signal?: AbortSignal): Promise<{ start: string; end: string; rows: CostRow[] }> {
  return insights.recentCosts(rc.insights, tenantId, signal);
}

/** The latest forecast of each account. */
export function forecasts(rc: Rc, tenantId: string, signal?: AbortSignal) {
  return insights.forecasts(rc.insights, tenantId, signal);
}

/** Run records and snapshots (alarms, AWS Health, Security Hub) of the tenant's current accounts. */
export function stateSnapshot(rc: Rc, tenantId: string, signal?: AbortSignal): Promise<Pick<OverviewInputs, 'runs' | 'alarms' | 'health' | 'compliance'>> {
  return insights.stateSnapshot(rc.insights, tenantId, signal);
}

/** The tenant's finding suppression rules through the cache. */
export function suppressionRules(rc: Rc, tenantId: string, signal?: AbortSignal): Promise<SuppressionRule[]> {
  return insights.suppressionRules(rc.insights, tenantId, signal);
}

/** Open findings of the tenant that no active rule suppresses, optionally only some bands, up to 2,000. */
export function openFindings(rc: Rc, tenantId: string, severity?: SeverityBand[]): Promise<StoredFinding[]> {
  return insights.openFindings(rc.insights, tenantId, severity);
}

/** Open findings counted by account and band. */
export function findingCounts(rc: Rc, tenantId: string, signal?: AbortSignal): Promise<Map<string, Record<SeverityBand, number>>> {
  return insights.findingCounts(rc.insights, tenantId, signal);
}

/** Sum of `rows` per key. */
export function sumBy<T>(rows: readonly T[], key: (row: T) => string, amount: (row: T) => number): Map<string, number> {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0) + amount(row));
  return sums;
}
