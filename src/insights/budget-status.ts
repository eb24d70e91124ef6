/**
 * Where each budget stands this month: the tenant's and each account's, with month-to-date spend,
 * the month's forecast and the highest threshold crossed on each basis. The one implementation
 * the cost page shows; the alerts find the same crossings (`detectBudgetCrossings`).
 */
import type { CostForecast, DailyCost } from '../domain/records.js';
import { actualToDate, detectBudgetCrossings, projectSpend, type BudgetThreshold } from '../rules/index.js';
import { usd } from './month-cost.js';

/** One budget's month so far. */
export interface BudgetStatus {
  /** The account whose budget it is; null for the tenant's. */
  accountId: string | null;
  budgetUsd: number;
  actualToDateUsd: number;
  /** The month's forecast total; null when no forecast covers the rest of the month. */
  projectedUsd: number | null;
  /** The highest threshold (50, 80, 100 %) the actuals and the forecast crossed; null for none. */
  crossedActual: BudgetThreshold | null;
  crossedForecast: BudgetThreshold | null;
}

/** A budget-bearing account with its cost rows and latest forecast. */
export interface BudgetAccount {
  id: string;
  monthlyBudgetUsd?: number | undefined;
  dailyCosts: readonly DailyCost[];
  forecast?: CostForecast | undefined;
}

/**
 * The status of the tenant's budget (when set and `withTenant`) and of every account's own, in
 * the accounts' order. Rounded like the API.
 */
export function budgetStatuses(input: { now: number; tenantBudgetUsd?: number | undefined; accounts: readonly BudgetAccount[]; withTenant: boolean }): BudgetStatus[] {
  const now = new Date(input.now);
  const rule = input.accounts.map((a) => ({ accountId: a.id, dailyCosts: a.dailyCosts, ...(a.forecast ? { forecast: a.forecast } : {}) }));
  const accountBudgetsUsd = Object.fromEntries(input.accounts.filter((a) => a.monthlyBudgetUsd !== undefined).map((a) => [a.id, a.monthlyBudgetUsd!]));
  const crossings = detectBudgetCrossings({ now, monthlyBudgetUsd: input.withTenant ? input.tenantBudgetUsd : undefined, accounts: rule, accountBudgetsUsd });
  const status = (accountId: string | null, budgetUsd: number, accounts: typeof rule): BudgetStatus => {
    const p = projectSpend({ now, accounts });
    const mine = crossings.filter((c) => (c.scope === 'tenant' ? accountId === null : c.accountId === accountId));
    const actual = mine.find((c) => c.basis === 'actual');
    const forecast = mine.find((c) => c.basis === 'forecast');
    return {
      accountId,
      budgetUsd,
      actualToDateUsd: usd(actualToDate(accounts, now)),
      projectedUsd: p.accountsForecast > 0 ? usd(p.projectedUsd) : null,
      crossedActual: actual?.threshold ?? null,
      crossedForecast: forecast?.threshold ?? null,
    };
  };
  const out: BudgetStatus[] = [];
  const tenantBudget = input.tenantBudgetUsd;
  if (input.withTenant && tenantBudget !== undefined && Number.isFinite(tenantBudget) && tenantBudget > 0) out.push(status(null, tenantBudget, rule));
  for (const account of rule) {
    const budget = accountBudgetsUsd[account.accountId];
    if (budget !== undefined && Number.isFinite(budget) && budget > 0) out.push(status(account.accountId, budget, [account]));
  }
  return out;
}
