/**
 * The metrics collector: CloudWatch alarm states for health, and the discovered resources'
 * metrics through GetMetricData (batched by the adapter). GetMetricData bills per metric
 * requested, so one poll fetches a window holding several datapoints (interval / period).
 */
import type { MetricRef, MetricSeries, AlarmState } from '../domain/records.js';
import type { AccountTarget } from '../domain/gateway.js';
import { forEachAccount, type CollectorJob } from './collect-context.js';

export interface MetricsJobOptions {
  /** Datapoint period. Default 300 s (basic monitoring's resolution for EC2). */
  periodSec?: number;
  /** How long a ListMetrics discovery is reused. Default 6 h. */
  discoveryTtlMs?: number;
  /** Longest window fetched in one poll. Default 3 h. */
  maxLookbackMs?: number;
}

interface Discovery {
  at: number;
  metrics: MetricRef[];
}

/**
 * Build the metrics job. Per region, DescribeAlarms, ListMetrics and GetMetricData are separate
 * steps: a denied GetMetricData still leaves alarm states flowing, and a disabled region leaves
 * the others. GetMetricData bills per metric requested whatever the window, so a poll fetches
 * everything since the step's last success (one period of overlap, capped at `maxLookbackMs`).
 */
export function createMetricsJob(options: MetricsJobOptions = {}): CollectorJob {
  const periodSec = options.periodSec ?? 300;
  const periodMs = periodSec * 1000;
  const discoveryTtlMs = options.discoveryTtlMs ?? 6 * 3_600_000;
  const maxLookbackMs = options.maxLookbackMs ?? 3 * 3_600_000;

  return (ctx) =>
    forEachAccount(ctx, async (run) => {
      const target: AccountTarget = run.account;
      const end = Math.floor(ctx.now / periodMs) * periodMs;
      const alarms: AlarmState[] = [];
      const alarmRegions: string[] = [];
      const series: MetricSeries[] = [];
      const cw = ctx.aws.cloudwatch;

      for (const region of run.account.regions) {
        const regionAlarms = await run.step('DescribeAlarms', region, () => ctx.call('cloudwatch', (signal) => cw.describeAlarms(target, region, signal)));
        if (regionAlarms) {
          alarms.push(...regionAlarms);
          alarmRegions.push(region);
        }
        const key = `discovery:${run.account.id}:${run.account.revision}:${region}`;
        let discovery = ctx.memory.get(key) as Discovery | undefined;
        if (!discovery || ctx.now - discovery.at >= discoveryTtlMs) {
          const metrics = await run.step('ListMetrics', region, () => ctx.call('cloudwatch', (signal) => cw.listMetrics(target, region, signal)));
          // A failed discovery keeps using the previous one until it succeeds again.
          if (metrics) ctx.memory.set(key, (discovery = { at: ctx.now, metrics }));
        }
        const refs = discovery?.metrics ?? [];
        if (refs.length === 0) continue;
        const last = run.lastSuccess('GetMetricData', region);
        // One period of overlap so a late datapoint is picked up; writes are idempotent.
        const lookback = Math.min(maxLookbackMs, Math.max(ctx.intervalMs, last === undefined ? 0 : end - last) + periodMs);
        const window = { start: new Date(end - lookback), end: new Date(end), periodSec };
        const fetched = await run.step('GetMetricData', region, () => ctx.call('cloudwatch', (signal) => cw.getMetricData(target, region, refs, window, signal)));
        if (fetched) series.push(...fetched);
      }

      if (alarmRegions.length === 0 && series.length === 0) return;
      await ctx.sink.write(
        { kind: 'metrics', tenantId: ctx.tenantId, accountId: run.account.id, collectedAt: new Date(ctx.now).toISOString(), alarms, alarmRegions, series },
        ctx.signal,
      );
      run.stored = true;
    });
}
