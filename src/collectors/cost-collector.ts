/** The cost collector: Cost Explorer's daily cost, forecast, anomalies and rightsizing. */
import { COLLECTOR_TICK_MS } from './cadences.js';
import type { CollectorDescriptor } from './descriptor.js';
import { createCostJob } from './cost-job.js';
import { PROBE_WINDOW_MS } from './operation-probe.js';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The permission check's Cost Explorer range: yesterday (its forecast: tomorrow). */
const lastDay = (now: number) => ({ start: day(now - PROBE_WINDOW_MS), end: day(now) });

const CE_CONSOLE = 'https://us-east-1.console.aws.amazon.com/costmanagement/home#/cost-explorer';

export const COST_COLLECTOR: CollectorDescriptor<'cost'> = {
  kind: 'cost',
  label: 'Cost',
  summary: 'daily cost by service, the month\'s forecast, anomalies and EC2 rightsizing',
  job: (options) => createCostJob({ plans: options.plans, ...(options.oneOff ? { oneOff: options.oneOff } : {}) }),
  // Cost Explorer bills every request and publishes no rate: one call at a time per tenant.
  services: { ce: { concurrency: 1 } },
  operations: [
    {
      service: 'ce', operation: 'GetCostAndUsage', action: 'ce:GetCostAndUsage', regional: false, billing: 'per-request', purpose: 'daily cost by service',
      probe: { run: (c) => c.aws.costExplorer.getDailyCost(c.target, lastDay(c.now), c.signal) },
      optIn: { what: 'Cost Explorer must be enabled for the account (Billing console > Cost Explorer > Launch Cost Explorer); data appears within 24 hours', consoleUrl: CE_CONSOLE },
    },
    {
      service: 'ce', operation: 'GetCostForecast', action: 'ce:GetCostForecast', regional: false, billing: 'per-request', purpose: 'the month\'s forecast',
      probe: { run: (c) => c.aws.costExplorer.getForecast(c.target, { start: day(c.now), end: day(c.now + PROBE_WINDOW_MS) }, c.signal) },
      optIn: { what: 'Cost Explorer must be enabled for the account', consoleUrl: CE_CONSOLE },
    },
    {
      service: 'ce', operation: 'GetAnomalies', action: 'ce:GetAnomalies', regional: false, billing: 'per-request', purpose: 'cost anomalies',
      probe: { run: (c) => c.aws.costExplorer.getAnomalies(c.target, lastDay(c.now), c.signal) },
      optIn: { what: 'Cost Explorer must be enabled for the account', consoleUrl: CE_CONSOLE },
    },
    {
      service: 'ce', operation: 'GetRightsizingRecommendation', action: 'ce:GetRightsizingRecommendation', regional: false, billing: 'per-request', purpose: 'EC2 rightsizing recommendations',
      probe: { run: (c) => c.aws.costExplorer.getRightsizing(c.target, c.signal) },
      optIn: { what: 'rightsizing recommendations are opt-in: Cost Explorer > Preferences > "Receive Amazon EC2 resource recommendations" (in the payer account)', consoleUrl: `${CE_CONSOLE}/preferences` },
    },
  ],
  // Cost Explorer bills $0.01 a request and refreshes up to 3 times a day: the collector ticks
  // hourly and each step runs when due (cadences.ts).
  cadence: { productionMs: COLLECTOR_TICK_MS.cost, demoMs: 30 * 60_000, env: 'COST_INTERVAL' },
  stores: 'daily cost per service, the forecast, anomalies and rightsizing recommendations',
  retentionDays: 365,
  alerts: true,
};
