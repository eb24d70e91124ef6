/** The AWS Health collector: events (issues, scheduled changes, notifications) affecting the account. */
import { COLLECTOR_TICK_MS } from './cadences.js';
import type { CollectorDescriptor } from './descriptor.js';
import { createHealthJob } from './health-job.js';

const SUPPORT_PLANS = 'https://console.aws.amazon.com/support/plans/home';

export const HEALTH_COLLECTOR: CollectorDescriptor<'health'> = {
  kind: 'health',
  label: 'AWS Health',
  summary: 'AWS Health events affecting the account: open and upcoming issues, scheduled changes, account notifications',
  job: () => createHealthJob(),
  // The AWS Health API publishes no rate; its calls are free. One at a time per tenant is plenty.
  services: { health: { concurrency: 1 } },
  operations: [
    {
      service: 'health', operation: 'DescribeEvents', action: 'health:DescribeEvents', regional: false, billing: 'free', purpose: 'AWS Health events (outages, scheduled maintenance)',
      optIn: { what: 'the AWS Health API needs a Business, Enterprise On-Ramp or Enterprise support plan', consoleUrl: SUPPORT_PLANS },
    },
    {
      service: 'health', operation: 'DescribeAffectedEntities', action: 'health:DescribeAffectedEntities', regional: false, billing: 'free', purpose: 'the resources an AWS Health event affects',
      optIn: { what: 'the AWS Health API needs a Business, Enterprise On-Ramp or Enterprise support plan', consoleUrl: SUPPORT_PLANS },
    },
  ],
  // Free calls; events change over hours. Without the support plan the job asks only once a day.
  cadence: { productionMs: COLLECTOR_TICK_MS.health, demoMs: 60_000, env: 'HEALTH_INTERVAL' },
  stores: 'the account\'s AWS Health events (one item per account, replaced by each run)',
  retentionDays: undefined,
  alerts: true,
};
