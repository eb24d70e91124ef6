/** The AWS Health collector: events (issues, scheduled changes, notifications) affecting the account. */
import { COLLECTOR_TICK_MS } from './cadences.js';
import type { CollectorDescriptor } from './descriptor.js';
import type { HealthEvent } from '../domain/records.js';
import { createHealthJob } from './health-job.js';
import { PROBE_WINDOW_MS } from './operation-probe.js';

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
      probe: { run: (c) => c.aws.health.describeEvents(c.target, new Date(c.now - PROBE_WINDOW_MS), c.signal) },
    },
    {
      service: 'health', operation: 'DescribeAffectedEntities', action: 'health:DescribeAffectedEntities', regional: false, billing: 'free', purpose: 'the resources an AWS Health event affects',
      optIn: { what: 'the AWS Health API needs a Business, Enterprise On-Ramp or Enterprise support plan', consoleUrl: SUPPORT_PLANS },
      probe: {
        skip: (earlier) => {
          const events = earlier.get('DescribeEvents') as Pick<HealthEvent, 'arn'>[] | undefined;
          if (!events) return { result: 'not_checked', note: 'DescribeEvents failed' };
          return events.length === 0 ? { result: 'not_checked', note: 'no recent AWS Health event to read; the next collection will tell' } : undefined;
        },
        run: (c) => c.aws.health.describeAffectedEntities(c.target, [(c.earlier.get('DescribeEvents') as Pick<HealthEvent, 'arn'>[])[0]!.arn], 1, c.signal),
      },
    },
  ],
  // Free calls; events change over hours. Without the support plan the job asks only once a day.
  cadence: { productionMs: COLLECTOR_TICK_MS.health, demoMs: 60_000, env: 'HEALTH_INTERVAL' },
  stores: 'the account\'s AWS Health events (one item per account, replaced by each run)',
  retentionDays: undefined,
  alerts: true,
};
