/** The metrics collector: CloudWatch alarm states (the account's health) and metric charts. */
import { COLLECTOR_TICK_MS } from './cadences.js';
import type { CollectorDescriptor } from './descriptor.js';
import { createMetricsJob } from './metrics-job.js';

export const METRICS_COLLECTOR: CollectorDescriptor<'metrics'> = {
  kind: 'metrics',
  label: 'Metrics',
  summary: 'CloudWatch alarm states and the discovered resources\' metrics',
  job: (options) => createMetricsJob({ plans: options.plans, ...options.metrics }),
  // GetMetricData allows 50 TPS per account and region (AWS-FACTS.md "Rate limits").
  services: { cloudwatch: { concurrency: 4 } },
  operations: [
    { service: 'cloudwatch', operation: 'DescribeAlarms', action: 'cloudwatch:DescribeAlarms', regional: true, billing: 'free', purpose: 'alarm states (health)' },
    { service: 'cloudwatch', operation: 'ListMetrics', action: 'cloudwatch:ListMetrics', regional: true, billing: 'free', purpose: 'discovering resources to chart' },
    { service: 'cloudwatch', operation: 'GetMetricData', action: 'cloudwatch:GetMetricData', regional: true, billing: 'per-metric', purpose: 'metric charts' },
  ],
  // Ticks at its fastest step (alarm states, 5 min); the paid GetMetricData tiers run when due (cadences.ts).
  cadence: { productionMs: COLLECTOR_TICK_MS.metrics, demoMs: 60_000, env: 'METRICS_INTERVAL' },
  stores: 'metric series (one item per series and hour) and the latest alarm states per region',
  retentionDays: 30,
  alerts: false,
};
