/**
 * The metrics collector: CloudWatch alarm states for health, and the discovered resources'
 * metrics through GetMetricData (batched by the adapter). Each is a step on its own cadence
 * (`cadences.ts`): alarm states are free and polled every tick; GetMetricData bills per metric
 * requested, not per datapoint, so the headline metric of each resource is fetched every 15 min
 * and the others hourly over the whole window since their last fetch (twelve 5-minute points for
 * the price of one).
 *
 * Backfill: the first run for an account (a new connection, or a change of its regions, metric
 * selection or credentials: a new account revision) fetches the past 24 hours of every selected
 * metric once per region (step `GetMetricData:backfill`), so charts are not empty for hours. It
 * bills one metric request per metric, like any poll (24 h at 5 minutes is 288 points a metric; the
 * adapter splits the call so no page is needed), and its success is persisted in the run status,
 * so a restart never repeats it; the tiers' schedule continues from it.
 */
import type { MetricRef, MetricSeries, AlarmState } from '../domain/records.js';
import type { AccountTarget } from '../domain/gateway.js';
import { isHeadline } from '../aws/metric-catalog.js';
import { resourceIdOf } from '../aws/metric-queries.js';
import { applySelection } from '../aws/metric-selection.js';
import { cadenceOf, dueSlackMs } from './cadences.js';
import { forEachAccount, laterOf, type AccountRun, type CollectorJob } from './collect-context.js';
import type { FeePlans } from './monitoring-budget.js';
import type { OneOffSlots } from './one-off-slots.js';

export interface MetricsJobOptions {
  /** Datapoint period. Default 300 s (basic monitoring's resolution for EC2). */
  periodSec?: number;
  /**
   * Longest window fetched in one poll. Default 12 h: 500 metrics x 144 five-minute points stay
   * under GetMetricData's 100,800 datapoints per call, so a late poll never pages (pages are billed).
   */
  maxLookbackMs?: number;
  /**
   * How far back the one-off backfill of a new account (or revision) reaches. Default 24 h: at
   * 5-minute points, 288 a metric, fetched in calls of at most 350 metrics (100,800 datapoints).
   * 0 turns the backfill off.
   */
  backfillMs?: number;
  /** Where the job tells the budget how many metrics each account requests (shared with the cost job). */
  plans?: FeePlans;
  /** Process-wide slots for the backfill (`one-off-slots.ts`); none: the backfill never waits for one. */
  oneOff?: OneOffSlots;
}

interface Discovery {
  at: number;
  metrics: MetricRef[];
}

type Tier = 'GetMetricData:headline' | 'GetMetricData:other';

/** The step of the one-off 24-hour backfill (its persisted success is what makes it once). */
export const BACKFILL_STEP = 'GetMetricData:backfill';

/**
 * Build the metrics job. Per region, DescribeAlarms, ListMetrics and the two GetMetricData tiers
 * are separate steps: a denied GetMetricData still leaves alarm states flowing, and a disabled
 * region leaves the others. Each tier fetches everything since its own last success (one period
 * of overlap, capped at `maxLookbackMs`); a tier not due this tick is not requested, so not billed.
 * Under a tenant's monitoring cap the paid tiers' cadences are stretched (`monitoring-budget.ts`);
 * alarm states never are.
 */
export function createMetricsJob(options: MetricsJobOptions = {}): CollectorJob {
  const periodSec = options.periodSec ?? 300;
  const periodMs = periodSec * 1000;
  const maxLookbackMs = options.maxLookbackMs ?? 12 * 3_600_000;
  const backfillMs = options.backfillMs ?? 24 * 3_600_000;
  const plans = options.plans;

  return (ctx) => {
    const slack = dueSlackMs(ctx.intervalMs);
    const accountIds = ctx.accounts.map((a) => a.id);
    return forEachAccount(ctx, async (run) => {
      // A backfill's slot is held until the run has stored what it fetched.
      let releaseSlot: (() => void) | undefined;
      try {
        await collectAccount(run, (release) => (releaseSlot = release));
      } finally {
        releaseSlot?.();
      }
    });

    async function collectAccount(run: AccountRun, holdSlot: (release: () => void) => void): Promise<void> {
      let holding = false;
      const target: AccountTarget = run.account;
      const end = Math.floor(ctx.now / periodMs) * periodMs;
      const alarms: AlarmState[] = [];
      const alarmRegions: string[] = [];
      const series: MetricSeries[] = [];
      const cw = ctx.aws.cloudwatch;
      const shape = { headlineMetrics: 0, otherMetrics: 0, dailyMetrics: 0 };
      const tiersOf = new Map<string, Record<Tier, MetricRef[]>>();
      // What a full poll fetches, as series without points (the store's catalog); undefined when a region's discovery is missing.
      let catalog: Omit<MetricSeries, 'points'>[] | undefined = [];

      // The free steps first: alarm states and discovery, which tells the budget what this account requests.
      for (const region of run.account.regions) {
        if (run.due('DescribeAlarms', cadenceOf('metrics', 'DescribeAlarms', 1, ctx.intervalMs) - slack, region)) {
          const regionAlarms = await run.step('DescribeAlarms', region, () => ctx.call('cloudwatch', (signal) => cw.describeAlarms(target, region, signal)));
          if (regionAlarms) {
            alarms.push(...regionAlarms);
            alarmRegions.push(region);
          }
        }
        // Discovery lives in memory (free to repeat after a restart).
        const key = `discovery:${run.account.id}:${run.account.revision}:${region}`;
        let discovery = ctx.memory.get(key) as Discovery | undefined;
        if (!discovery || ctx.now - discovery.at >= cadenceOf('metrics', 'ListMetrics', 1, ctx.intervalMs)) {
          const metrics = await run.step('ListMetrics', region, () => ctx.call('cloudwatch', (signal) => cw.listMetrics(target, region, signal)));
          // A failed discovery keeps using the previous one until it succeeds again.
          if (metrics) ctx.memory.set(key, (discovery = { at: ctx.now, metrics }));
        }
        const tiers: Record<Tier, MetricRef[]> = { 'GetMetricData:headline': [], 'GetMetricData:other': [] };
        if (!discovery) catalog = undefined;
        // What the account's selection keeps is what is billed (the adapter applies it again, harmlessly).
        for (const ref of applySelection(discovery?.metrics ?? [], region, run.account.metrics)) {
          catalog?.push({ region, metric: ref, resourceId: resourceIdOf(ref), periodSec: Math.max(ref.periodSec ?? periodSec, periodSec) });
          const headline = isHeadline(ref) && ref.periodSec === undefined;
          tiers[headline ? 'GetMetricData:headline' : 'GetMetricData:other'].push(ref);
          if (headline) shape.headlineMetrics++;
          else if ((ref.periodSec ?? periodSec) >= 86_400) shape.dailyMetrics++;
          else shape.otherMetrics++;
        }
        tiersOf.set(region, tiers);
      }
      plans?.setShape(ctx.tenantId, { accountId: run.account.id, ...shape });
      // Under a tenant's cap the paid tiers stretch (known right after a restart: discovery just ran).
      const stretch = plans ? plans.stretch(ctx.tenantId, accountIds, ctx.settings.monitoringCapUsd) : 1;
      const every = (tier: Tier) => cadenceOf('metrics', tier, stretch, ctx.intervalMs);

      // Regions whose every metric tier was fetched this run: the store packs their hour items.
      const completeRegions: string[] = [];
      for (const region of run.account.regions) {
        const tiers = tiersOf.get(region)!;
        // The hourly poll fetches both tiers over the same window (since the others' last success):
        // GetMetricData bills per metric, not per point, so the headline's whole hour costs nothing
        // more, and the store can pack one complete item per region and hour.
        let complete = true;
        // A changed account fetches its metrics at the next run, not at the next hourly slot: a
        // metric selection just saved ("changes apply at the next poll") changes the account's
        // metrics but not its revision (no fresh try of the other collectors), so both are compared.
        // Kept in memory, so a restart (empty memory) keeps the persisted schedule and costs no
        // extra paid poll.
        const revisionKey = `metrics-revision:${run.account.id}:${region}`;
        const revision = `${run.account.revision}:${JSON.stringify(run.account.metrics ?? null)}`;
        const wantedAll = [...tiers['GetMetricData:headline'], ...tiers['GetMetricData:other']];
        const backfilledAt = run.lastSuccess(BACKFILL_STEP, region);
        // Once per account revision and region: never yet for this revision (a new account, or
        // one whose regions, selection or credentials changed). Not on a forced run otherwise.
        // Only with a free one-off slot (one per run, held until it stores); without one, the
        // regular tiers run and the backfill waits for a later run.
        const wantsBackfill = backfillMs > 0 && backfilledAt === undefined && wantedAll.length > 0;
        if (wantsBackfill && !holding) {
          const release = options.oneOff ? options.oneOff.tryAcquire() : () => {};
          if (release) {
            holding = true;
            holdSlot(release);
          }
        }
        if (wantsBackfill && holding) {
          const window = { start: new Date(end - backfillMs), end: new Date(end), periodSec };
          const fetched = await run.step(BACKFILL_STEP, region, () => ctx.call('cloudwatch', (signal) => cw.getMetricData(target, region, wantedAll, window, signal)));
          if (fetched) {
            series.push(...fetched);
            completeRegions.push(region);
            ctx.memory.set(revisionKey, revision);
          }
          // A failed backfill is tried again at the next run; the tiers would fail alike meanwhile.
          continue;
        }
        // The tiers' windows and schedule continue from the backfill until they have run themselves.
        const lastOf = (tier: Tier) => laterOf(run.lastSuccess(tier, region), backfilledAt);
        const dueAfter = (tier: Tier, minAgeMs: number) => {
          const last = lastOf(tier);
          return ctx.force || last === undefined || ctx.now - last >= minAgeMs;
        };
        const seenRevision = ctx.memory.get(revisionKey) as string | undefined;
        const changed = seenRevision !== undefined && seenRevision !== revision;
        const otherDue = tiers['GetMetricData:other'].length > 0 && (changed || dueAfter('GetMetricData:other', every('GetMetricData:other') - slack));
        for (const tier of ['GetMetricData:headline', 'GetMetricData:other'] as const) {
          const wanted = tiers[tier];
          if (wanted.length === 0) continue;
          const due = tier === 'GetMetricData:other' ? otherDue : otherDue || dueAfter(tier, every(tier) - slack);
          if (!due) {
            complete = false;
            continue;
          }
          const windowOf: Tier = otherDue ? 'GetMetricData:other' : tier;
          const last = lastOf(windowOf);
          // Everything since the last success, one period of overlap so a late datapoint is picked up (writes are idempotent).
          const lookback = Math.min(maxLookbackMs, Math.max(every(windowOf), last === undefined ? 0 : end - last) + periodMs);
          const window = { start: new Date(end - lookback), end: new Date(end), periodSec };
          const fetched = await run.step(tier, region, () => ctx.call('cloudwatch', (signal) => cw.getMetricData(target, region, wanted, window, signal)));
          if (fetched) series.push(...fetched);
          else complete = false;
        }
        if (complete && tiers['GetMetricData:headline'].length + tiers['GetMetricData:other'].length > 0) completeRegions.push(region);
        if (!changed || otherDue) ctx.memory.set(revisionKey, revision);
      }

      if (alarmRegions.length === 0 && series.length === 0) return;
      await ctx.sink.write(
        {
          kind: 'metrics',
          tenantId: ctx.tenantId,
          accountId: run.account.id,
          collectedAt: new Date(ctx.now).toISOString(),
          alarms,
          alarmRegions,
          series,
          completeRegions,
          ...(catalog ? { catalog } : {}),
        },
        ctx.signal,
      );
      run.stored = true;
    }
  };
}

