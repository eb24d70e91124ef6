/** The month's projected spend against the tenant's monthly budget. */
import type { CostForecast, DailyCost } from '../domain/records.js';
import { impactOfMonthlyUsd, impactOfScore, MEDIUM_SCORE } from './impact.js';
import { recommendationId, type Recommendation } from './recommendation.js';
import type { RuleThresholds } from './rule-thresholds.js';
import { round } from './stats.js';
import { firstDayOfNextMonth, monthOf, utcDay } from './utc-day.js';
import { usdText } from './usd-text.js';

/** Input of the budget rule: every account of the tenant, since the budget is the tenant's. */
export interface BudgetInput {
  now: Date;
  /** The tenant's monthly budget in USD; the rule is off when it is absent or not above 0. */
  monthlyBudgetUsd: number | undefined;
  accounts: readonly { accountId: string; dailyCosts?: readonly DailyCost[]; forecast?: CostForecast }[];
}

/** The month's projected spend; an overrun is the event the cost alert is about. */
export interface BudgetProjection {
  month: string;
  budgetUsd: number;
  /** Actual spend of the month before each account's forecast starts. */
  actualToDateUsd: number;
  /** Sum of the forecasts for the rest of the month. */
  forecastUsd: number;
  projectedUsd: number;
  /** Accounts whose forecast covered the rest of this month; the others count actuals only. */
  accountsForecast: number;
  accounts: number;
  recommendationId: string;
}

/** The month's spend projected from actuals and forecasts, with or without a budget. */
export interface SpendProjection {
  month: string;
  /** Actual spend of the month before each account's forecast starts. */
  actualToDateUsd: number;
  /** Sum of the forecasts for the rest of the month. */
  forecastUsd: number;
  projectedUsd: number;
  /** `projectedUsd` with each forecast's lower (upper) bound instead of its mean; absent when a forecast used has none. */
  projectedLowerUsd?: number;
  projectedUpperUsd?: number;
  /** Accounts whose forecast covered the rest of this month; the others count actuals only. */
  accountsForecast: number;
  accounts: number;
}

/**
 * Project the month's spend: per account, actual cost from the 1st up to its forecast's start
 * (Cost Explorer forecasts start today at the earliest, so they never include month-to-date)
 * plus the forecast's mean. A forecast that does not start in this month or runs past its end is
 * ignored, and that account counts with its actuals to date only, which makes the projection a
 * lower bound: an overrun it shows is real. The one implementation of the month forecast (the
 * overview, the digest and the budget rule use it).
 */
export function projectSpend(input: Pick<BudgetInput, 'now' | 'accounts'>): SpendProjection {
  const today = utcDay(input.now);
  const month = monthOf(today);
  const monthEnd = firstDayOfNextMonth(today);
  let actual = 0;
  let forecast = 0;
  let accountsForecast = 0;
  // Undefined once a forecast used has no such bound: a range is shown only when every part has one.
  let lower: number | undefined = 0;
  let upper: number | undefined = 0;
  for (const account of input.accounts) {
    const f = account.forecast;
    const usable = f !== undefined && monthOf(f.start) === month && f.end <= monthEnd && Number.isFinite(f.meanUsd);
    // Without a forecast, today's partial actuals are the best we know; with one, they are in it.
    const cutoff = usable ? f.start : monthEnd;
    for (const cost of account.dailyCosts ?? []) {
      if (monthOf(cost.day) === month && cost.day < cutoff && cost.day <= today && Number.isFinite(cost.amountUsd)) actual += cost.amountUsd;
    }
    if (usable) {
      forecast += f.meanUsd;
      accountsForecast += 1;
      lower = lower !== undefined && f.lowerUsd !== undefined && Number.isFinite(f.lowerUsd) ? lower + f.lowerUsd : undefined;
      upper = upper !== undefined && f.upperUsd !== undefined && Number.isFinite(f.upperUsd) ? upper + f.upperUsd : undefined;
    }
  }
  const bounds = accountsForecast > 0 ? { ...(lower !== undefined ? { projectedLowerUsd: actual + lower } : {}), ...(upper !== undefined ? { projectedUpperUsd: actual + upper } : {}) } : {};
  return { month, actualToDateUsd: actual, forecastUsd: forecast, projectedUsd: actual + forecast, ...bounds, accountsForecast, accounts: input.accounts.length };
}

/** `projectSpend` against the tenant's budget; undefined when no budget is set. */
export function projectMonthSpend(input: BudgetInput): BudgetProjection | undefined {
  const budget = input.monthlyBudgetUsd;
  if (budget === undefined || !Number.isFinite(budget) || budget <= 0) return undefined;
  const p = projectSpend(input);
  return { ...p, budgetUsd: budget, recommendationId: recommendationId('budget-forecast', [p.month]) };
}

/** The projection when it is strictly above the budget, else undefined. */
export function detectBudgetOverrun(input: BudgetInput): BudgetProjection | undefined {
  const projection = projectMonthSpend(input);
  return projection && projection.projectedUsd > projection.budgetUsd ? projection : undefined;
}

/**
 * One recommendation per month while the projection is above the budget (its id is the month's,
 * so a dismissal lasts the month and a new month raises it afresh). At least medium priority: the
 * tenant set the budget, so crossing it matters even by a few dollars.
 */
export function budgetForecastRule(input: BudgetInput, thresholds: RuleThresholds): Recommendation[] {
  const p = detectBudgetOverrun(input);
  if (!p) return [];
  const overrun = p.projectedUsd - p.budgetUsd;
  const impact = impactOfMonthlyUsd(overrun, thresholds);
  const [projected, budget] = [round(p.projectedUsd), round(p.budgetUsd)];
  return [
    {
      id: p.recommendationId,
      rule: 'budget-forecast',
      category: 'cost',
      ...(impact.impactScore < MEDIUM_SCORE ? impactOfScore(MEDIUM_SCORE) : impact),
      resources: [{ type: 'budget', id: p.month }],
      evidence: {
        month: p.month,
        budgetUsd: budget,
        projectedUsd: projected,
        actualToDateUsd: round(p.actualToDateUsd),
        forecastUsd: round(p.forecastUsd),
        overrunUsd: round(overrun),
        accountsForecast: p.accountsForecast,
        accounts: p.accounts,
      },
      title: `Spend for ${p.month} is projected above the budget`,
      summary: `Projected ${usdText(projected)} against a budget of ${usdText(budget)} (over by ${usdText(round(overrun))}). Review the largest services and the other cost recommendations.`,
    },
  ];
}
