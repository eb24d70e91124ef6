/**
 * What the cost alerts and the digest need of a tenant's stored costs: each account's daily
 * costs far enough back for the spike rule's history and the month to date, and its latest
 * Cost Explorer forecast. Two Queries per tenant (costs by day, forecasts).
 */
import type { Tenant } from '../domain/tenant.js';
import { resolveThresholds, type AccountRuleData, type RuleInput, type RuleThresholds } from '../rules/index.js';
import type { CostRepository } from '../store/index.js';

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The rules' input for cost events (no metrics or findings: those rules stay quiet). */
export async function loadCostRuleInput(
  costs: Pick<CostRepository, 'daily' | 'forecasts'>,
  tenant: Pick<Tenant, 'id' | 'accounts' | 'settings'>,
  now: number,
  thresholds: Partial<RuleThresholds> = {},
): Promise<RuleInput> {
  const t = resolveThresholds(thresholds);
  const date = new Date(now);
  const monthStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const historyDays = t.costSpikeHistoryDays + t.costSpikeRecentDays + 1;
  const start = dayOf(Math.min(monthStart, now - historyDays * DAY_MS));
  const [rows, forecasts] = await Promise.all([costs.daily(tenant.id, { start, end: dayOf(now + DAY_MS) }), costs.forecasts(tenant.id)]);
  const accounts = tenant.accounts.map((account): AccountRuleData => {
    const forecast = forecasts.find((f) => f.accountId === account.id);
    return {
      accountId: account.id,
      dailyCosts: rows.filter((r) => r.accountId === account.id).map(({ day, service, amountUsd }) => ({ day, service, amountUsd })),
      ...(forecast ? { forecast: { start: forecast.start, end: forecast.end, meanUsd: forecast.meanUsd } } : {}),
    };
  });
  const budget = tenant.settings.monthlyBudgetUsd;
  return { now: date, accounts, ...(budget !== undefined && budget > 0 ? { monthlyBudgetUsd: budget } : {}) };
}
