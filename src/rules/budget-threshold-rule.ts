/**
 * Budget thresholds: the tenant's budget and each account's, each checked at 50, 80 and 100 % of
 * the month's actual spend to date and of its forecast (actuals before the forecast plus the
 * forecast, `projectSpend`). Pure; which crossing was already mailed is the alert markers'
 * business (one per key, `budgetThresholdKey`).
 */
import { projectSpend, type BudgetInput } from './budget-forecast-rule.js';
import { monthOf, utcDay } from './utc-day.js';

/** The thresholds, as percentages of a budget. */
export const BUDGET_THRESHOLDS = Object.freeze([50, 80, 100] as const);
export type BudgetThreshold = (typeof BUDGET_THRESHOLDS)[number];

/** What a threshold is measured on: spend to date, or the month's forecast. */
export type BudgetBasis = 'actual' | 'forecast';

/** Which budget: the tenant's (all accounts) or one account's. */
export type BudgetScope = { scope: 'tenant' } | { scope: 'account'; accountId: string };

/** The highest threshold of one budget crossed on one basis this month. */
export type BudgetCrossing = BudgetScope & {
  month: string;
  basis: BudgetBasis;
  threshold: BudgetThreshold;
  budgetUsd: number;
  /** Spend of the month to date (every day of the month up to today). */
  actualToDateUsd: number;
  /** The month's forecast total; equals the actuals when no forecast covers the month. */
  projectedUsd: number;
};

/** Input: the tenant's accounts' costs and forecasts, the tenant's budget and the accounts' own. */
export interface BudgetThresholdInput extends BudgetInput {
  /** Account id -> monthly budget in USD; absent or not above 0: no budget for that account. */
  accountBudgetsUsd?: Readonly<Record<string, number>>;
}

/**
 * The marker key of one threshold of one budget in one month, on one basis (the marker itself is
 * stored in the tenant's partition, so the tenant is part of its identity). The tenant's budget is
 * `all`; a new month is a new key, so each threshold alerts at most once a month.
 */
export function budgetThresholdKey(c: Pick<BudgetCrossing, 'month' | 'basis' | 'threshold'> & BudgetScope): string {
  const who = c.scope === 'tenant' ? 'all' : c.accountId;
  return `budget:${who}:${c.month}:${c.threshold}:${c.basis}`;
}

/** The keys of the thresholds below a crossing's: claimed with it, so a later dip and rise never mails a lower one. */
export function lowerThresholdKeys(c: BudgetCrossing): string[] {
  return BUDGET_THRESHOLDS.filter((t) => t < c.threshold).map((threshold) => budgetThresholdKey({ ...c, threshold }));
}

const valid = (budget: number | undefined): budget is number => budget !== undefined && Number.isFinite(budget) && budget > 0;

function highest(amount: number, budget: number): BudgetThreshold | undefined {
  let found: BudgetThreshold | undefined;
  // Compared in cents so that floating sums a hair below a round figure do not miss it.
  for (const t of BUDGET_THRESHOLDS) if (Math.round(amount * 100) >= Math.round(budget * t)) found = t;
  return found;
}

/**
 * Every budget's highest crossed threshold per basis, tenant first, then accounts in input order.
 * The forecast basis counts only when some account's forecast covers the rest of the month
 * (otherwise the projection is the actuals, already the other basis).
 */
export function detectBudgetCrossings(input: BudgetThresholdInput): BudgetCrossing[] {
  const month = monthOf(utcDay(input.now));
  const budgets: { scope: BudgetScope; budgetUsd: number; accounts: BudgetInput['accounts'] }[] = [];
  if (valid(input.monthlyBudgetUsd)) budgets.push({ scope: { scope: 'tenant' }, budgetUsd: input.monthlyBudgetUsd, accounts: input.accounts });
  for (const account of input.accounts) {
    const budget = input.accountBudgetsUsd?.[account.accountId];
    if (valid(budget)) budgets.push({ scope: { scope: 'account', accountId: account.accountId }, budgetUsd: budget, accounts: [account] });
  }
  const crossings: BudgetCrossing[] = [];
  for (const { scope, budgetUsd, accounts } of budgets) {
    const actual = actualToDate(accounts, input.now);
    const p = projectSpend({ now: input.now, accounts });
    const common = { ...scope, month, budgetUsd, actualToDateUsd: actual, projectedUsd: p.projectedUsd };
    const onActual = highest(actual, budgetUsd);
    if (onActual !== undefined) crossings.push({ ...common, basis: 'actual', threshold: onActual });
    const onForecast = p.accountsForecast > 0 ? highest(p.projectedUsd, budgetUsd) : undefined;
    if (onForecast !== undefined) crossings.push({ ...common, basis: 'forecast', threshold: onForecast });
  }
  return crossings;
}

/** Spend of the month up to and including today (today's partial cost counts). */
export function actualToDate(accounts: BudgetInput['accounts'], now: Date): number {
  const today = utcDay(now);
  const month = monthOf(today);
  let total = 0;
  for (const account of accounts) {
    for (const cost of account.dailyCosts ?? []) if (monthOf(cost.day) === month && cost.day <= today && Number.isFinite(cost.amountUsd)) total += cost.amountUsd;
  }
  return total;
}
