/**
 * The cost collector: daily cost by service (month to date and the last 30 days in one
 * range), the month's forecast, anomalies and rightsizing. Cost Explorer bills every request
 * ($0.01 a page) and refreshes its data up to three times a day, hence the 12 h default.
 */
import type { AccountTarget } from '../domain/gateway.js';
import { forEachAccount, type CollectorJob } from './collect-context.js';

const DAY_MS = 86_400_000;

/** YYYY-MM-DD of a UTC instant. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The day ranges a cost run asks for, from the run's time. */
export function costRanges(now: number): {
  daily: { start: string; end: string };
  forecast: { start: string; end: string };
  anomalies: { start: string; end: string };
} {
  const today = new Date(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate()));
  const monthStart = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1);
  const nextMonth = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 1);
  const thirtyAgo = today.getTime() - 30 * DAY_MS;
  const tomorrow = today.getTime() + DAY_MS;
  return {
    // `end` is exclusive in Cost Explorer: tomorrow includes today's partial cost.
    daily: { start: utcDay(Math.min(monthStart, thirtyAgo)), end: utcDay(tomorrow) },
    // A forecast must start today or later; on the month's last day it covers just today.
    forecast: { start: utcDay(today.getTime()), end: utcDay(nextMonth) },
    anomalies: { start: utcDay(thirtyAgo), end: utcDay(tomorrow) },
  };
}

/**
 * Build the cost job. Its four requests are independent steps: a new account's forecast
 * (DataUnavailableException) or a missing `ce:GetRightsizingRecommendation` leaves the daily cost
 * stored. Each step is billed ($0.01) only when it succeeds, and a retry soon after a partial
 * failure repeats only the steps that failed (`AccountRun.due`).
 */
export function createCostJob(): CollectorJob {
  return (ctx) =>
    forEachAccount(ctx, async (run) => {
      const target: AccountTarget = run.account;
      const ranges = costRanges(ctx.now);
      const ce = ctx.aws.costExplorer;
      // Half an interval: a scheduled run (one interval later) is always due; a retry minutes later is not.
      const minAge = ctx.intervalMs / 2;
      const step = <T>(operation: string, fn: (signal: AbortSignal) => Promise<T>) =>
        run.due(operation, minAge) ? run.step(operation, undefined, () => ctx.call('ce', fn)) : Promise.resolve(undefined);
      const daily = await step('GetCostAndUsage', (signal) => ce.getDailyCost(target, ranges.daily, signal));
      const forecast = await step('GetCostForecast', (signal) => ce.getForecast(target, ranges.forecast, signal));
      const anomalies = await step('GetAnomalies', (signal) => ce.getAnomalies(target, ranges.anomalies, signal));
      const rightsizing = await step('GetRightsizingRecommendation', (signal) => ce.getRightsizing(target, signal));
      if (daily === undefined && forecast === undefined && anomalies === undefined && rightsizing === undefined) return;
      await ctx.sink.write(
        {
          kind: 'cost',
          tenantId: ctx.tenantId,
          accountId: run.account.id,
          collectedAt: new Date(ctx.now).toISOString(),
          ...(daily ? { daily } : {}),
          ...(forecast ? { forecast } : {}),
          ...(anomalies ? { anomalies } : {}),
          ...(rightsizing ? { rightsizing } : {}),
        },
        ctx.signal,
      );
      run.stored = true;
    });
}
