/**
 * GetMetricData batching, pure: metrics into batches of at most 500 queries, and the answers
 * (possibly spread over several NextToken pages) back into one series per metric, oldest first.
 */
import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { MetricRef, MetricSeries, Point } from '../domain/records.js';
import { serviceOf } from './metric-catalog.js';

/** GetMetricData's limit of metrics per call. */
export const MAX_QUERIES_PER_CALL = 500;

/** GetMetricData's limit of datapoints per call: more come back on a NextToken page, billed again. */
export const MAX_DATAPOINTS_PER_CALL = 100_800;

/**
 * How many metrics one call may ask for over `windowMs` at `periodSec` without paging: at most
 * 500, and few enough that every metric's points fit in 100,800 (24 h at 5 minutes is 288
 * points a metric, so 350 metrics a call). Each page is billed per metric again, so a window
 * that would page is split into more calls instead, which costs nothing more.
 */
export function metricsPerCall(windowMs: number, periodSec: number): number {
  const points = Math.max(1, Math.ceil(windowMs / (periodSec * 1000)));
  return Math.max(1, Math.min(MAX_QUERIES_PER_CALL, Math.floor(MAX_DATAPOINTS_PER_CALL / points)));
}

/** Dimensions that name the resource a metric is about, in order of preference. */
const RESOURCE_DIMENSIONS = ['InstanceId', 'DBInstanceIdentifier', 'FunctionName', 'LoadBalancer', 'TargetGroup', 'QueueName', 'TableName'];

/**
 * A readable id of the resource a metric is about (the instance id, function name, ...): the
 * values of its catalog service's resource dimensions, else the first known resource dimension.
 */
export function resourceIdOf(metric: MetricRef): string {
  const service = serviceOf(metric.namespace, metric.dimensions.map((d) => d.name));
  if (service) return service.resourceDimensions.map((name) => metric.dimensions.find((d) => d.name === name)?.value ?? '').join('/');
  for (const name of RESOURCE_DIMENSIONS) {
    const found = metric.dimensions.find((d) => d.name === name);
    if (found) return found.value;
  }
  return metric.dimensions.map((d) => d.value).join('/') || metric.namespace;
}

const HOUR_MS = 3_600_000;

/**
 * How often a metric of a long period is worth fetching: a daily metric (S3 storage) every 6 h,
 * so a late daily datapoint is picked up the same day without paying for 96 polls a day; an
 * hourly one every hour. Metrics at the collector's period are fetched on every poll.
 */
export function cadenceMs(periodSec: number): number {
  return periodSec >= 86_400 ? 6 * HOUR_MS : periodSec * 1000;
}

/**
 * Whether a poll's window is the one that fetches metrics of `periodSec`: it is when a cadence
 * boundary falls in the window's new part, (start + one collector period, end] — consecutive
 * windows overlap by one period, so each boundary is claimed by one poll. Polls at least a
 * quarter of the cadence apart (a slow collector, whose windows the collector also caps at 3 h,
 * so boundaries could fall between them) fetch every time. Pure: no memory of past polls.
 */
export function isDue(window: { start: Date; end: Date; periodSec: number }, periodSec: number): boolean {
  const cadence = cadenceMs(periodSec);
  const from = window.start.getTime() + window.periodSec * 1000;
  const end = window.end.getTime();
  return end - from >= cadence / 4 || Math.floor(end / cadence) * cadence > from;
}

/** The window a long-period metric is fetched over: the last two whole periods and the current one. */
export function longPeriodWindow(end: Date, periodSec: number): { start: Date; end: Date; periodSec: number } {
  const periodMs = periodSec * 1000;
  return { start: new Date(Math.floor(end.getTime() / periodMs) * periodMs - 2 * periodMs), end, periodSec };
}

/** The queries of one batch; the query id (`m<index>`) maps each answer back to its metric. */
export function toQueries(batch: readonly MetricRef[], periodSec: number): MetricDataQuery[] {
  return batch.map((metric, index) => ({
    Id: `m${index}`,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: metric.namespace,
        MetricName: metric.metricName,
        Dimensions: metric.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
      },
      Period: periodSec,
      Stat: metric.stat,
    },
  }));
}

/** Collects the pages of one batch's answers. */
export class BatchResults {
  readonly #batch: readonly MetricRef[];
  readonly #points: Map<number, Point>[];

  constructor(batch: readonly MetricRef[]) {
    this.#batch = batch;
    this.#points = batch.map(() => new Map());
  }

  /** Add one page's results. Unknown ids are ignored (they cannot be ours). */
  add(results: readonly MetricDataResult[] | undefined): void {
    for (const result of results ?? []) {
      const index = /^m(\d+)$/.exec(result.Id ?? '')?.[1];
      const points = index === undefined ? undefined : this.#points[Number(index)];
      if (!points) continue;
      const times = result.Timestamps ?? [];
      const values = result.Values ?? [];
      for (let i = 0; i < Math.min(times.length, values.length); i++) {
        const t = times[i] as Date;
        const v = values[i] as number;
        if (Number.isFinite(v)) points.set(t.getTime(), { t: t.toISOString(), v });
      }
    }
  }

  /** One series per metric of the batch (empty when CloudWatch had no data), oldest point first. */
  series(region: string, periodSec: number): MetricSeries[] {
    return this.#batch.map((metric, index) => ({
      region,
      metric,
      resourceId: resourceIdOf(metric),
      periodSec,
      points: [...(this.#points[index] ?? new Map<number, Point>()).entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p),
    }));
  }
}
