/** The cost collector: Cost Explorer's daily cost, forecast, anomalies and rightsizing. */
import { COLLECTOR_TICK_MS } from './cadences.js';
import type { CollectorDescriptor } from './descriptor.js';
import { createCostJob } from './cost-job.js';

const CE_CONSOLE = 'https://us-east-1.console.aws.amazon.com/costmanagement/home#/cost-explorer';

export const COST_COLLECTOR: CollectorDescriptor<'cost'> = {
  kind: 'cost',
  label: 'Cost',
  summary: 'daily cost by service, the month\'s forecast, anomalies and EC2 rightsizing',
  job: (options) => createCostJob({ plans: options.plans }),
  // Cost Explorer bills every request and publishes no rate: one call at a time per tenant.
  services: { ce: { concurrency: 1 } },
  operations: [
    {
      service: 'ce', operation: 'GetCostAndUsage', action: 'ce:GetCostAndUsage', regional: false, billing: 'per-request', purpose: 'daily cost by service',
      optIn: { what: 'Cost Explorer must be enabled for the account (Billing console > Cost Explorer > Launch Cost Explorer); data appears within 24 hours', consoleUrl: CE_CONSOLE },
    },
    {
      service: 'ce', operation: 'GetCostForecast', action: 'ce:GetCostForecast', regional: false, billing: 'per-request', purpose: 'the month\'s forecast',
      optIn: { what: 'Cost Explorer must be enabled for the account', consoleUrl: CE_CONSOLE },
    },
    {
      service: 'ce', operation: 'GetAnomalies', action: 'ce:GetAnomalies', regional: false, billing: 'per-request', purpose: 'cost anomalies',
      optIn: { what: 'Cost Explorer must be enabled for the account', consoleUrl: CE_CONSOLE },
    },
    {
      service: 'ce', operation: 'GetRightsizingRecommendation', action: 'ce:GetRightsizingRecommendation', regional: false, billing: 'per-request', purpose: 'EC2 rightsizing recommendations',
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
