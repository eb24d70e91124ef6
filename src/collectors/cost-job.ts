/**
 * The cost collector: daily cost by service, the month's forecast, anomalies and rightsizing.
 * Cost Explorer bills every request ($0.01 a page), so each part runs on its own cadence
 * (`cadences.ts`) and asks only for what can have changed:
 * - the recent days twice a day: AWS revises the last days' figures after the fact ("Cost
 *   Explorer refreshes your cost data at least once every 24 hours"; the current month's costs
 *   are estimated until the bill is finalised, Cost Explorer user guide, "Exploring your data
 *   using Cost Explorer"), so earlier days do not move;
 * - the whole month (and the last 30 days) once a day, the backfill; that run's request covers
 *   the recent days too;
 * - forecast, anomalies and rightsizing once a day.
 * One page holds a month of daily cost by service and the anomalies of 30 days (MaxResults 100),
 * so none of these requests pages.
 *
 * History, once per account: the first run fetches the 12 whole months before this one (MONTHLY)
 * and the last 90 days (DAILY), two requests ($0.02, one page each for an account of up to ~20
 * services), so the 90- and 365-day views show real data from the first day. The daily history
 * replaces that run's month backfill. Each part is a step whose success is persisted; when both
 * have succeeded the cost watermark records it, so neither a restart nor a later change of the
 * account (a new revision) repeats it; a part that failed is tried again at the next run.
 */
import type { AccountTarget } from '../domain/gateway.js';
import type { DailyCost, MonthlyCost } from '../domain/records.js';
import { cadenceOf, dueSlackMs, type StepKey } from './cadences.js';
import { forEachAccount, laterOf, type AccountRun, type CollectorJob } from './collect-context.js';
import type { FeePlans } from './monitoring-budget.js';
import type { OneOffSlots } from './one-off-slots.js';

const DAY_MS = 86_400_000;

/** Days before today whose cost AWS may still revise: fetched on every recent-days run. */
export const REVISED_DAYS = 3;

/** YYYY-MM-DD of a UTC instant. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Days of daily cost fetched once on connect. */
export const HISTORY_DAYS = 90;
/** Whole months before the current one fetched once on connect. */
export const HISTORY_MONTHS = 12;

/** The two history steps (one request each, unless a page overflows). */
export const HISTORY_STEPS = ['GetCostAndUsage:history-monthly', 'GetCostAndUsage:history-daily'] as const;

/** The day ranges a cost run asks for, from the run's time. */
export function costRanges(now: number): {
  daily: { start: string; end: string };
  historyDaily: { start: string; end: string };
  historyMonthly: { start: string; end: string };
  recent: { start: string; end: string };
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
    recent: { start: utcDay(today.getTime() - REVISED_DAYS * DAY_MS), end: utcDay(tomorrow) },
    historyDaily: { start: utcDay(today.getTime() - HISTORY_DAYS * DAY_MS), end: utcDay(tomorrow) },
    // Whole months only: the current month comes from the daily cost.
    historyMonthly: { start: utcDay(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - HISTORY_MONTHS, 1)), end: utcDay(monthStart) },
    // A forecast must start today or later; on the month's last day it covers just today.
    forecast: { start: utcDay(today.getTime()), end: utcDay(nextMonth) },
    anomalies: { start: utcDay(thirtyAgo), end: utcDay(tomorrow) },
  };
}

export interface CostJobOptions {
  /** The budget register shared with the metrics job; without it no cap applies. */
  plans?: FeePlans;
  /** Process-wide slots for the history (`one-off-slots.ts`); none: the history never waits for one. */
  oneOff?: OneOffSlots;
}

/**
 * Build the cost job. Its requests are independent steps: a new account's forecast
 * (DataUnavailableException) or a missing `ce:GetRightsizingRecommendation` leaves the daily cost
 * stored. Each step is billed ($0.01) only when it succeeds, and runs only when its cadence has
 * passed since its persisted last success, so neither a retry nor a restart repeats a billed call
 * that already succeeded.
 */
export function createCostJob(options: CostJobOptions = {}): CollectorJob {
  const plans = options.plans;
  return (ctx) => {
    const slack = dueSlackMs(ctx.intervalMs);
    const accountIds = ctx.accounts.map((a) => a.id);
    const capped = (ctx.settings.monitoringCapUsd ?? 0) > 0;
    // Under a cap, the stretch needs every account's metric count (the metrics job's discovery,
    // minutes after a start): until then no paid step runs, so a restart never spends early.
    const waiting = plans !== undefined && capped && !ctx.force && !plans.known(ctx.tenantId, accountIds);
    const stretch = plans ? plans.stretch(ctx.tenantId, accountIds, ctx.settings.monitoringCapUsd) : 1;
    const every = (key: StepKey<'cost'>) => cadenceOf('cost', key, stretch, ctx.intervalMs) - slack;
    return forEachAccount(ctx, async (run) => {
      // The history's slot is held until the run has stored what it fetched.
      let releaseSlot: (() => void) | undefined;
      try {
        await collectAccount(run, () => (releaseSlot = options.oneOff ? options.oneOff.tryAcquire() : () => {}) !== undefined);
      } finally {
        releaseSlot?.();
      }
    });

    async function collectAccount(run: AccountRun, takeSlot: () => boolean): Promise<void> {
      const target: AccountTarget = run.account;
      const ranges = costRanges(ctx.now);
      const ce = ctx.aws.costExplorer;
      const step = <T>(key: StepKey<'cost'>, fn: (signal: AbortSignal) => Promise<T>) =>
        !waiting && run.due(key, every(key)) ? run.step(key, undefined, () => ctx.call('ce', fn)) : Promise.resolve(undefined);

      // The one-off history: each part until it has succeeded once (the step records within this
      // revision, the watermark across revisions and restarts: read only while it may be missing).
      let monthly: MonthlyCost[] | undefined;
      let history: DailyCost[] | undefined;
      let historyCompleted = false;
      const doneKey = `cost-history:${run.account.id}`;
      const historyDone =
        ctx.memory.has(doneKey) || HISTORY_STEPS.every((key) => run.lastSuccess(key) !== undefined) || (await ctx.sink.getWatermark(ctx.tenantId, run.account.id, 'cost')) !== undefined;
      if (historyDone) ctx.memory.set(doneKey, true);
      // Only with a free one-off slot; without one, the regular steps run and the history waits.
      else if (!waiting && takeSlot()) {
        if (run.lastSuccess(HISTORY_STEPS[0]) === undefined) monthly = await run.step(HISTORY_STEPS[0], undefined, () => ctx.call('ce', (signal) => ce.getMonthlyCost(target, ranges.historyMonthly, signal)));
        if (run.lastSuccess(HISTORY_STEPS[1]) === undefined) history = await run.step(HISTORY_STEPS[1], undefined, () => ctx.call('ce', (signal) => ce.getDailyCost(target, ranges.historyDaily, signal)));
        historyCompleted = HISTORY_STEPS.every((key) => run.lastSuccess(key) !== undefined || run.steps.some((s) => s.step === key && s.error === undefined));
      }

      // The backfill covers the recent days: when it is due, it replaces the recent fetch; the
      // 90-day history covers the backfill's range, so it counts as one.
      const monthAt = laterOf(run.lastSuccess('GetCostAndUsage:month'), run.lastSuccess(HISTORY_STEPS[1]));
      const monthDue = history === undefined && !waiting && (ctx.force || monthAt === undefined || ctx.now - monthAt >= every('GetCostAndUsage:month'));
      let daily = history ?? (monthDue ? await run.step('GetCostAndUsage:month', undefined, () => ctx.call('ce', (signal) => ce.getDailyCost(target, ranges.daily, signal))) : undefined);
      const recentFresh = daily !== undefined || (!ctx.force && monthAt !== undefined && ctx.now - monthAt < every('GetCostAndUsage:recent'));
      if (!recentFresh) daily = await step('GetCostAndUsage:recent', (signal) => ce.getDailyCost(target, ranges.recent, signal));
      const forecast = await step('GetCostForecast', (signal) => ce.getForecast(target, ranges.forecast, signal));
      const anomalies = await step('GetAnomalies', (signal) => ce.getAnomalies(target, ranges.anomalies, signal));
      const rightsizing = await step('GetRightsizingRecommendation', (signal) => ce.getRightsizing(target, signal));
      if (daily === undefined && monthly === undefined && forecast === undefined && anomalies === undefined && rightsizing === undefined) return;
      await ctx.sink.write(
        {
          kind: 'cost',
          tenantId: ctx.tenantId,
          accountId: run.account.id,
          collectedAt: new Date(ctx.now).toISOString(),
          ...(daily ? { daily } : {}),
          ...(monthly ? { monthly } : {}),
          ...(forecast ? { forecast } : {}),
          ...(anomalies ? { anomalies } : {}),
          ...(rightsizing ? { rightsizing } : {}),
        },
        ctx.signal,
      );
      run.stored = true;
      // Marked once what it fetched is stored.
      if (historyCompleted) {
        await ctx.sink.setWatermark(ctx.tenantId, run.account.id, 'cost', `history:${new Date(ctx.now).toISOString()}`);
        ctx.memory.set(doneKey, true);
      }
    }
  };
}

