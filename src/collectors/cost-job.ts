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

/** Build the cost job. */
export function createCostJob(): CollectorJob {
  return (ctx) =>
    forEachAccount(ctx, async (account) => {
      const target: AccountTarget = account;
      const ranges = costRanges(ctx.now);
      const ce = ctx.aws.costExplorer;
      const daily = await ctx.call('ce', (signal) => ce.getDailyCost(target, ranges.daily, signal));
      const forecast = await ctx.call('ce', (signal) => ce.getForecast(target, ranges.forecast, signal));
      const anomalies = await ctx.call('ce', (signal) => ce.getAnomalies(target, ranges.anomalies, signal));
      const rightsizing = await ctx.call('ce', (signal) => ce.getRightsizing(target, signal));
      await ctx.sink.write(
        { kind: 'cost', tenantId: ctx.tenantId, accountId: account.id, collectedAt: new Date(ctx.now).toISOString(), daily, forecast, anomalies, rightsizing },
        ctx.signal,
      );
    });
}
