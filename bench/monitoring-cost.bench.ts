/**
 * What monitoring costs a tenant, next to the goals (issue 15): two simulated days of the real
 * collectors on the reference account (3 regions, 50 instances, the default metric set; see
 * `test/support/monitoring-days.ts`), the second day priced per month. Prints a table and a JSON line.
 */
import { estimateFeeUsd } from '../src/aws/index.js';
import { monitoringPlan, REFERENCE_ACCOUNT_SHAPE } from '../src/collectors/index.js';
import { measureMonitoringDays } from '../test/support/monitoring-days.js';

const GOALS = { feeUsdMonth: 3, dynamoUsdMonth: 0.05 };

const started = performance.now();
const report = await measureMonitoringDays();
const capped = await measureMonitoringDays({ settings: { monitoringCapUsd: 1 } });
const seconds = Math.round((performance.now() - started) / 1000);
// Under the cap Cost Explorer runs every few days: one measured day says little; the plan gives its month.
const plan = monitoringPlan([REFERENCE_ACCOUNT_SHAPE], 1);
const cappedFee = estimateFeeUsd({ getMetricDataMetrics: capped.perDay.getMetricDataMetrics * 30, costExplorerRequests: plan.plannedFee.costExplorerRequests });
const usd = (n: number) => `$${n.toFixed(n < 0.1 ? 4 : 2)}`;
const ok = (value: number, goal: number) => (value <= goal ? 'met' : 'NOT met');
const { resources: r } = report;
process.stdout.write(
  [
    `monitoring cost benchmark: account ${report.account}, ${report.regions.length} regions, ${r.ec2} EC2 instances, ${r.headline} resources, ${r.metrics} metrics (${r.headline} headline, ${r.other} other, ${r.daily} daily); ${seconds} s`,
    '| per tenant per month | measured | goal | |',
    '|---|---|---|---|',
    `| AWS API fees (default freshness) | ${usd(report.feeUsdMonth)} (GetMetricData ${usd(report.getMetricDataUsdMonth)}, Cost Explorer ${usd(report.costExplorerUsdMonth)}) | ${usd(GOALS.feeUsdMonth)} | ${ok(report.feeUsdMonth, GOALS.feeUsdMonth)} |`,
    `| AWS API fees under a $1 cap (GetMetricData measured, Cost Explorer as planned: a request every few days) | ${usd(cappedFee)} | $1.00 | ${ok(cappedFee, 1)} |`,
    `| DynamoDB (on-demand) | ${usd(report.dynamoUsdMonth)} (${report.perDay.dynamoWriteUnits} WRU + ${report.perDay.dynamoReadUnits} RRU a day) | ${usd(GOALS.dynamoUsdMonth)} | ${ok(report.dynamoUsdMonth, GOALS.dynamoUsdMonth)} |`,
    `| DynamoDB without findings (the simulator makes a finding every 6 min) | ${usd(report.dynamoUsdMonthWithoutFindings)} | ${usd(GOALS.dynamoUsdMonth)} | ${ok(report.dynamoUsdMonthWithoutFindings, GOALS.dynamoUsdMonth)} |`,
    `| paid calls caused by a restart | ${report.restart.costExplorerRequests + report.restart.getMetricDataMetrics} | 0 | ${ok(report.restart.costExplorerRequests + report.restart.getMetricDataMetrics, 0)} |`,
    JSON.stringify({ bench: 'monitoring-cost', goals: GOALS, report, capped: { feeUsdMonth: cappedFee, stretch: plan.stretch, perDay: capped.perDay } }),
    '',
  ].join('\n'),
);
