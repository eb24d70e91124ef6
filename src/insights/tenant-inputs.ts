/**
 * Reads of one tenant's collected data that derived figures start from, each through the cache
 * when the caller has one. Every read takes the tenant id of the caller's session or job.
 */
import { suppressionOf, type SuppressionRule } from '../domain/suppression.js';
import type { SeverityBand } from '../domain/records.js';
import type { CostRow, OverviewInputs, StoredFinding } from '../store/index.js';
import { cachedRead, type CostSources, type InsightSources } from './insight-sources.js';
import { costWindow } from './windows.js';

/** Cost rows of `costWindow` (the month to date and the spike rule's history). `signal` (a request's) as `cachedRead` takes it. */
export async function recentCosts(
  sources: CostSources,
  tenantId: string,
  signal?: AbortSignal,
): Promise<{ start: string; end: string; rows: CostRow[] }> {
  const { start, end } = costWindow(sources.now(), sources.thresholds);
  const rows = await cachedRead(sources, tenantId, `costs:recent:${start}:${end}`, (shared) => sources.costs.daily(tenantId, { start, end }, shared), signal);
  return { start, end, rows };
}

/** The latest forecast of each account. */
export function forecasts(sources: Pick<CostSources, 'costs' | 'cached'>, tenantId: string, signal?: AbortSignal) {
  return cachedRead(sources, tenantId, 'costs:forecasts', (shared) => sources.costs.forecasts(tenantId, shared), signal);
}

/** Run records and snapshots (alarms, AWS Health, Security Hub) of the tenant's current accounts. */
export async function stateSnapshot(sources: Pick<InsightSources, 'reads'>, tenantId: string, signal?: AbortSignal): Promise<Pick<OverviewInputs, 'runs' | 'alarms' | 'health' | 'compliance'>> {
  const inputs = await sources.reads.overview(tenantId, signal);
  return { runs: inputs?.runs ?? [], alarms: inputs?.alarms ?? [], health: inputs?.health ?? [], compliance: inputs?.compliance ?? [] };
}

/** Most open findings read for counting or for the rules (pages of 100). */
const MAX_FINDING_PAGES = 20;

/** The tenant's finding suppression rules. */
export function suppressionRules(sources: Pick<InsightSources, 'findings' | 'cached'>, tenantId: string, signal?: AbortSignal): Promise<SuppressionRule[]> {
  return cachedRead(sources, tenantId, 'findings:rules', (shared) => sources.findings.suppressions.list(tenantId, shared), signal);
}

/** Open findings of the tenant that no active rule suppresses, optionally only some bands, up to 2,000. */
export async function openFindings(sources: Pick<InsightSources, 'findings' | 'cached' | 'now'>, tenantId: string, severity?: SeverityBand[], signal?: AbortSignal): Promise<StoredFinding[]> {
  const [open, rules] = await Promise.all([openFindingsStored(sources, tenantId, severity, signal), suppressionRules(sources, tenantId, signal)]);
  if (rules.length === 0) return open;
  const now = sources.now();
  return open.filter((finding) => !suppressionOf(rules, finding.accountId, finding, now));
}

function openFindingsStored(sources: Pick<InsightSources, 'findings' | 'cached'>, tenantId: string, severity?: SeverityBand[], signal?: AbortSignal): Promise<StoredFinding[]> {
  return cachedRead(sources, tenantId, `findings:open:${(severity ?? []).join(',')}`, async (shared) => {
    const items: StoredFinding[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_FINDING_PAGES; page += 1) {
      const result = await sources.findings.query(tenantId, { status: 'open', limit: 100, ...(severity ? { severity } : {}), ...(cursor ? { cursor } : {}) }, shared);
      items.push(...result.items);
      cursor = result.cursor;
      if (!cursor) break;
    }
    return items;
  }, signal);
}

/** Open, unsuppressed findings counted by account and band. */
export async function findingCounts(sources: Pick<InsightSources, 'findings' | 'cached' | 'now'>, tenantId: string, signal?: AbortSignal): Promise<Map<string, Record<SeverityBand, number>>> {
  const counts = new Map<string, Record<SeverityBand, number>>();
  for (const finding of await openFindings(sources, tenantId, undefined, signal)) {
    const entry = counts.get(finding.accountId) ?? { low: 0, medium: 0, high: 0, critical: 0 };
    entry[finding.band] += 1;
    counts.set(finding.accountId, entry);
  }
  return counts;
}
