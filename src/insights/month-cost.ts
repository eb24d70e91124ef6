/**
 * Month-to-date and the month's forecast: the one implementation the overview, the digest and
 * (through `/api/overview` and `/api/costs`) the dashboard show.
 */
import type { CostForecast, DailyCost } from '../domain/records.js';
import { projectSpend } from '../rules/index.js';
import { dayOf } from './windows.js';

/** A cost row as far as these figures read it. */
type CostAmount = Pick<DailyCost, 'day' | 'amountUsd'>;

/** Round USD to a hundredth of a cent (what the API shows). */
export const usd = (amount: number): number => Math.round(amount * 10_000) / 10_000;

/** Spend of the UTC month of `now` from its 1st up to today included. */
export function monthToDateUsd(rows: readonly CostAmount[], now: number): number {
  const today = dayOf(now);
  const month = today.slice(0, 7);
  let sum = 0;
  for (const row of rows) if (row.day.startsWith(month) && row.day <= today) sum += row.amountUsd;
  return sum;
}

/** The month's expected total and its likely range, as the dashboard shows it. */
export interface MonthForecast {
  /** Actuals before each account's forecast starts plus the forecasts' means. */
  meanUsd: number;
  /** The same with the forecasts' lower and upper bounds (absent when a forecast has none). */
  lowerUsd?: number;
  upperUsd?: number;
  /** What the forecasts still expect this month (the part of `meanUsd` not yet spent). */
  remainingUsd: number;
}

/**
 * The month's expected total for the accounts given (each with its rows and latest forecast):
 * actuals before the forecast's start plus the forecast; null when no account has a forecast
 * covering the rest of this month (the rules' `projectSpend`). Rounded like the API.
 */
export function monthForecast(accounts: readonly ForecastAccount[], now: number): MonthForecast | null {
  const projection = project(accounts, now);
  if (projection.accountsForecast === 0) return null;
  return {
    meanUsd: usd(projection.projectedUsd),
    ...(projection.projectedLowerUsd !== undefined ? { lowerUsd: usd(projection.projectedLowerUsd) } : {}),
    ...(projection.projectedUpperUsd !== undefined ? { upperUsd: usd(projection.projectedUpperUsd) } : {}),
    remainingUsd: usd(projection.forecastUsd),
  };
}

/** The mean of `monthForecast`, not rounded (the overview's and the digest's figure). */
export function monthForecastUsd(accounts: readonly ForecastAccount[], now: number): number | null {
  const projection = project(accounts, now);
  return projection.accountsForecast > 0 ? projection.projectedUsd : null;
}

/** An account's cost rows and latest forecast. */
type ForecastAccount = { dailyCosts: readonly DailyCost[]; forecast?: CostForecast | undefined };

function project(accounts: readonly ForecastAccount[], now: number) {
  return projectSpend({
    now: new Date(now),
    accounts: accounts.map((a, i) => ({ accountId: String(i), dailyCosts: a.dailyCosts, ...(a.forecast ? { forecast: a.forecast } : {}) })),
  });
}
