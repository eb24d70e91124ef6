/**
 * The metrics collector: CloudWatch alarm states for health, and the discovered resources'
 * metrics through GetMetricData (batched by the adapter). GetMetricData bills per metric
 * requested, so one poll fetches a window holding several datapoints (interval / period).
 */
import type { MetricRef, MetricSeries, AlarmState } from '../domain/records.js';
import type { AccountTarget } from '../domain/gateway.js';
import { AwsCallError } from '../domain/errors.js';
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

/** Build the metrics job. */
export function createMetricsJob(options: MetricsJobOptions = {}): CollectorJob {
  const periodSec = options.periodSec ?? 300;
  const periodMs = periodSec * 1000;
  const discoveryTtlMs = options.discoveryTtlMs ?? 6 * 3_600_000;
  const maxLookbackMs = options.maxLookbackMs ?? 3 * 3_600_000;

  return (ctx) =>
    forEachAccount(ctx, async (account) => {
      const target: AccountTarget = account;
      const end = Math.floor(ctx.now / periodMs) * periodMs;
      // One period of overlap so a late datapoint is picked up; writes are idempotent.
      const lookback = Math.min(maxLookbackMs, ctx.intervalMs + periodMs);
      const window = { start: new Date(end - lookback), end: new Date(end), periodSec };
      const alarms: AlarmState[] = [];
      const series: MetricSeries[] = [];
      const failedRegions: { region: string; kind: string }[] = [];
      let firstFailure: AwsCallError | undefined;

      for (const region of account.regions) {
        try {
          alarms.push(...(await ctx.call('cloudwatch', (signal) => ctx.aws.cloudwatch.describeAlarms(target, region, signal))));
          const key = `discovery:${account.id}:${region}`;
          let discovery = ctx.memory.get(key) as Discovery | undefined;
          if (!discovery || ctx.now - discovery.at >= discoveryTtlMs) {
            const metrics = await ctx.call('cloudwatch', (signal) => ctx.aws.cloudwatch.listMetrics(target, region, signal));
            discovery = { at: ctx.now, metrics };
            ctx.memory.set(key, discovery);
          }
          const refs = discovery.metrics;
          if (refs.length > 0) {
            series.push(
              ...(await ctx.call('cloudwatch', (signal) => ctx.aws.cloudwatch.getMetricData(target, region, refs, window, signal))),
            );
          }
        } catch (error) {
          // Rejected credentials or a bug concern the whole account: stop here.
          if (!(error instanceof AwsCallError) || error.kind === 'credentials') throw error;
          failedRegions.push({ region, kind: error.kind });
          firstFailure ??= error;
        }
      }

      await ctx.sink.write(
        { kind: 'metrics', tenantId: ctx.tenantId, accountId: account.id, collectedAt: new Date(ctx.now).toISOString(), alarms, series, failedRegions },
        ctx.signal,
      );
      if (firstFailure) throw firstFailure;
    });
}
