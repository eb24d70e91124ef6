/** The metrics collector: CloudWatch alarm states (the account's health) and metric charts. */
import { COLLECTOR_TICK_MS } from './cadences.js';
import type { MetricRef } from '../domain/records.js';
import type { CollectorDescriptor } from './descriptor.js';
import { createMetricsJob } from './metrics-job.js';
import type { ProbeContext } from './operation-probe.js';

/** A metric to ask GetMetricData for when ListMetrics found none (an empty answer still proves access). */
const PROBE_METRIC: MetricRef = { namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: [], stat: 'Average' };

/** The permission check's GetMetricData: one metric (billed $0.00001) over the last full 5 minutes. */
function probeMetricData(ctx: ProbeContext): Promise<unknown> {
  const end = Math.floor(ctx.now / 300_000) * 300_000;
  const found = ctx.earlier.get('ListMetrics') as MetricRef[] | undefined;
  return ctx.aws.cloudwatch.getMetricData(ctx.target, ctx.region!, [found?.[0] ?? PROBE_METRIC], { start: new Date(end - 300_000), end: new Date(end), periodSec: 300 }, ctx.signal);
}

export const METRICS_COLLECTOR: CollectorDescriptor<'metrics'> = {
  kind: 'metrics',
  label: 'Metrics',
  summary: 'CloudWatch alarm states and the discovered resources\' metrics',
  job: (options) => createMetricsJob({ plans: options.plans, ...(options.oneOff ? { oneOff: options.oneOff } : {}), ...options.metrics }),
  // GetMetricData allows 50 TPS per account and region (AWS-FACTS.md "Rate limits").
  services: { cloudwatch: { concurrency: 4 } },
  operations: [
    { service: 'cloudwatch', operation: 'DescribeAlarms', action: 'cloudwatch:DescribeAlarms', regional: true, billing: 'free', purpose: 'alarm states (health)',
      probe: { run: (c) => c.aws.cloudwatch.describeAlarms(c.target, c.region!, c.signal) } },
    { service: 'cloudwatch', operation: 'ListMetrics', action: 'cloudwatch:ListMetrics', regional: true, billing: 'free', purpose: 'discovering resources to chart',
      probe: { run: (c) => c.aws.cloudwatch.listMetrics(c.target, c.region!, c.signal) } },
    { service: 'cloudwatch', operation: 'GetMetricData', action: 'cloudwatch:GetMetricData', regional: true, billing: 'per-metric', purpose: 'metric charts',
      probe: { run: probeMetricData } },
  ],
  // Ticks at its fastest step (alarm states, 5 min); the paid GetMetricData tiers run when due (cadences.ts).
  cadence: { productionMs: COLLECTOR_TICK_MS.metrics, demoMs: 60_000, env: 'METRICS_INTERVAL' },
  stores: 'metric series (one item per series and hour) and the latest alarm states per region',
  retentionDays: 30,
  alerts: false,
};
