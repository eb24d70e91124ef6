/**
 * A tenant's daily digest, read from the store: the last complete UTC day's cost (Cost Explorer's
 * days are UTC), month to date and the month's projection; findings that appeared in the last
 * 24 hours and the High/Critical still open; the top open recommendations (persisted after
 * collection) and what they would save; accounts that cannot be read. About six Queries.
 */
import type { SeverityBand } from '../domain/records.js';
import { suppressionOf } from '../domain/suppression.js';
import type { Tenant } from '../domain/tenant.js';
import { categoryOf, costRuleInput, monthForecastUsd, monthToDateUsd, PRIORITY_RANK, priorityOf } from '../insights/index.js';
import type { CostRepository, FindingRepository, RecommendationRepository } from '../store/index.js';
import type { DailyDigestData, DigestRecommendation } from './daily-digest-email.js';

export interface DigestSources {
  costs: Pick<CostRepository, 'daily' | 'forecasts'>;
  /** `suppressions` (optional): suppressed findings are neither new nor open in a digest. */
  findings: Pick<FindingRepository, 'query' | 'openCounts'> & Partial<Pick<FindingRepository, 'suppressions'>>;
  recommendations: Pick<RecommendationRepository, 'list'>;
}

const DAY_MS = 86_400_000;
/** Recommendations listed in a digest. */
export const DIGEST_RECOMMENDATIONS = 5;
/** Pages of open findings read to count the new ones (100 each). */
const FINDING_PAGES = 10;
const round = (usd: number) => Math.round(usd * 100) / 100;

async function costPart(sources: DigestSources, tenant: Tenant, now: number, day: string): Promise<DailyDigestData['cost']> {
  const input = await costRuleInput({ costs: sources.costs, now: () => now }, tenant);
  const rows = input.accounts.flatMap((a) => a.dailyCosts ?? []);
  if (rows.length === 0) return undefined;
  const ofDay = new Map<string, number>();
  for (const row of rows) if (row.day === day) ofDay.set(row.service, (ofDay.get(row.service) ?? 0) + row.amountUsd);
  const budget = input.monthlyBudgetUsd;
  const projected = monthForecastUsd(input.accounts.map((a) => ({ dailyCosts: a.dailyCosts ?? [], forecast: a.forecast })), now);
  return {
    dayUsd: round([...ofDay.values()].reduce((a, b) => a + b, 0)),
    monthToDateUsd: round(monthToDateUsd(rows, now)),
    ...(projected !== null ? { projectedMonthUsd: round(projected) } : {}),
    ...(budget !== undefined ? { budgetUsd: budget } : {}),
    topServices: [...ofDay]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([service, amountUsd]) => ({ service, amountUsd: round(amountUsd) })),
  };
}

async function findingsPart(sources: DigestSources, tenantId: string, now: number): Promise<DailyDigestData['findings']> {
  const newByBand: Partial<Record<SeverityBand, number>> = {};
  const rules = (await sources.findings.suppressions?.list(tenantId)) ?? [];
  let unsuppressedSevere = 0;
  let cursor: string | undefined;
  for (let page = 0; page < FINDING_PAGES; page += 1) {
    const result = await sources.findings.query(tenantId, { status: 'open', limit: 100, ...(cursor ? { cursor } : {}) });
    for (const f of result.items) {
      if (rules.length > 0 && suppressionOf(rules, f.accountId, f, now)) continue;
      if (f.band === 'high' || f.band === 'critical') unsuppressedSevere += 1;
      if ((Date.parse(f.createdAt) || 0) >= now - DAY_MS) newByBand[f.band] = (newByBand[f.band] ?? 0) + 1;
    }
    cursor = result.cursor;
    if (!cursor) break;
  }
  // With suppression rules the open count comes from the pages read (most severe first, so the
  // High/Critical ones come before any page limit); without, from the cheaper count.
  if (rules.length > 0) return { newByBand, openHighOrCritical: unsuppressedSevere };
  const open = await sources.findings.openCounts(tenantId);
  return { newByBand, openHighOrCritical: open.high + open.critical };
}

/** Build the digest of `tenant` as of `now`. */
export async function loadDigestData(sources: DigestSources, tenant: Tenant, now: number): Promise<DailyDigestData> {
  const day = new Date(now - DAY_MS).toISOString().slice(0, 10);
  const [cost, findings, open] = await Promise.all([
    costPart(sources, tenant, now, day),
    findingsPart(sources, tenant.id, now),
    sources.recommendations.list(tenant.id, { status: 'open' }),
  ]);
  const ranked = open
    .map((r): { r: (typeof open)[number]; priority: DigestRecommendation['priority'] } => ({ r, priority: priorityOf(r) }))
    .sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || (b.r.monthlySavingUsd ?? 0) - (a.r.monthlySavingUsd ?? 0) || a.r.id.localeCompare(b.r.id));
  const savings = open.reduce((sum, r) => sum + (r.monthlySavingUsd ?? 0), 0);
  const issues = tenant.accounts
    .filter((a) => a.status === 'credentials_invalid')
    .map((a) => ({ accountName: a.name, reason: a.statusReason ?? 'AWS rejected the credentials' }));
  return {
    tenantName: tenant.name,
    day,
    ...(cost ? { cost } : {}),
    findings,
    recommendations: ranked.slice(0, DIGEST_RECOMMENDATIONS).map(({ r, priority }) => ({
      title: r.title,
      priority,
      category: categoryOf(r),
      ...(r.monthlySavingUsd !== undefined ? { estimatedMonthlySavingUsd: r.monthlySavingUsd } : {}),
    })),
    ...(savings > 0 ? { potentialMonthlySavingUsd: round(savings) } : {}),
    ...(issues.length > 0 ? { accountIssues: issues } : {}),
  };
}
