/**
 * What monitoring costs a tenant, measured (issue 15): two simulated days of the real collectors on
 * the reference account (`test/support/monitoring-days.ts`), a restart between them; the second
 * day's billable units (billing ledger, checked against the simulator's bill) and DynamoDB units
 * (ReturnConsumedCapacity) are asserted and priced per month. Prints `MONITORING_COST {...}`, the
 * figures the README quotes.
 */
import t from 'tap';
import { monitoringPlan, projectMonthlyFee, REFERENCE_ACCOUNT_SHAPE } from '../../src/collectors/index.js';
import { estimateFeeUsd } from '../../src/aws/index.js';
import { measureMonitoringDays, REFERENCE_EC2 } from '../support/monitoring-days.js';

// Two simulated days of 5-minute ticks through dynalite: minutes on a loaded machine.
t.setTimeout(1_800_000);

t.test('two simulated days on the reference account: fees and DynamoDB units', async (t) => {
  const report = await measureMonitoringDays({ onFailure: (what) => t.fail(what) });
  const { resources, perDay } = report;
  t.equal(report.regions.length, 3, `reference account ${report.account} has 3 regions: ${report.regions.join(', ')}`);
  t.equal(resources.ec2, REFERENCE_EC2, '50 instances');
  t.same(
    { headline: resources.headline, other: resources.other, daily: resources.daily },
    { headline: REFERENCE_ACCOUNT_SHAPE.headlineMetrics, other: REFERENCE_ACCOUNT_SHAPE.otherMetrics, daily: REFERENCE_ACCOUNT_SHAPE.dailyMetrics },
    "the fee guide's reference shape is what discovery finds",
  );
  t.ok(report.ledgerMatchesSimulator, 'the billing ledger counted exactly what the simulator billed');

  // A restart resumes each step's schedule from the stored status: no paid call.
  t.same(report.restart, { costExplorerRequests: 0, getMetricDataMetrics: 0 }, 'a restart costs no Cost Explorer request and no GetMetricData metric');

  // A steady day at the default cadences: headline every 15 min, the others hourly, daily ones every 6 h.
  t.equal(perDay.getMetricDataMetrics, resources.headline * 96 + resources.other * 24 + resources.daily * 4, 'GetMetricData metrics billed in a day = headline x 96 + other x 24 + daily x 4');
  t.equal(perDay.costExplorerRequests, 5, 'Cost Explorer: recent days (or the month backfill), forecast, anomalies, rightsizing, recent days again: one page each');
  const projection = projectMonthlyFee([{ headlineMetrics: resources.headline, otherMetrics: resources.other, dailyMetrics: resources.daily }]);
  t.ok(Math.abs(projection.totalUsd - report.feeUsdMonth) < 0.01, `the projection ($${projection.totalUsd}) matches the measured day x 30 ($${report.feeUsdMonth})`);

  // DynamoDB: packed metrics, run status written on change; the goal is $0.05 a tenant a month.
  // Findings are counted apart: the simulator makes a new GuardDuty finding every 6 minutes.
  t.ok(perDay.dynamoWriteUnits > 0, 'the day wrote');
  t.ok(report.dynamoUsdMonthWithoutFindings <= 0.05, `DynamoDB without findings $${report.dynamoUsdMonthWithoutFindings} a month <= $0.05 (with the simulator's findings: $${report.dynamoUsdMonth})`);
  t.equal(perDay.describeAlarmsCalls, 288 * report.regions.length, 'alarm states every 5 minutes in every region (the restart, 2 min after a poll, did not repeat it)');
  t.comment(`MONITORING_COST ${JSON.stringify(report)}`);
});

t.test('under a $1 cap the paid steps stretch and the bill follows; free ones keep their pace', async (t) => {
  const report = await measureMonitoringDays({ settings: { monitoringCapUsd: 1 }, onFailure: (what) => t.fail(what) });
  const plan = monitoringPlan([REFERENCE_ACCOUNT_SHAPE], 1);
  t.ok(plan.stretch > 1 && plan.plannedFee.totalUsd <= 1, `planned: x${plan.stretch}, $${plan.plannedFee.totalUsd} a month`);
  // GetMetricData is smooth over a day: the measured day follows the plan (5-minute ticks round the stretched cadences).
  const plannedPerDay = plan.plannedFee.getMetricDataMetrics / 30;
  t.ok(Math.abs(report.perDay.getMetricDataMetrics - plannedPerDay) <= 0.15 * plannedPerDay, `GetMetricData ${report.perDay.getMetricDataMetrics} metrics a day, planned ${Math.round(plannedPerDay)}`);
  // Cost Explorer runs every few days under this cap: at most one request in a day.
  t.ok(report.perDay.costExplorerRequests <= 1, `Cost Explorer ${report.perDay.costExplorerRequests} request(s) in the day (planned ${plan.plannedFee.costExplorerRequests} a month)`);
  const month = estimateFeeUsd({ getMetricDataMetrics: report.perDay.getMetricDataMetrics * 30, costExplorerRequests: plan.plannedFee.costExplorerRequests });
  t.ok(month <= 1.05, `a month: GetMetricData measured x 30 + Cost Explorer as planned = $${month}`);
  // The restart may poll them once more: a status whose paid steps did not move keeps its free steps' times up to an hour old.
  const alarms = report.perDay.describeAlarmsCalls;
  t.ok(alarms >= 288 * report.regions.length && alarms <= 289 * report.regions.length, `alarm states (free) still every 5 minutes in every region (${alarms} calls)`);
  t.same(report.restart, { costExplorerRequests: 0, getMetricDataMetrics: 0 }, 'the restart spends nothing under a cap either');
  t.comment(`MONITORING_COST_CAPPED ${JSON.stringify({ feeUsdMonth: month, stretch: plan.stretch, perDay: report.perDay })}`);
});
