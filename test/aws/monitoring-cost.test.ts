/**
 * What monitoring costs a tenant, measured (issue 15): two simulated days of the real collectors on
 * the reference account (`test/support/monitoring-days.ts`), a restart between them; the second
 * day's billable units (billing ledger, checked against the simulator's bill) and DynamoDB units
 * (ReturnConsumedCapacity) are asserted and priced per month. Prints `MONITORING_COST {...}`, the
 * figures the README quotes.
 */
import t from 'tap';
import { projectMonthlyFee, REFERENCE_ACCOUNT_SHAPE } from '../../src/collectors/index.js';
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
  t.ok(perDay.dynamoWriteUnits > 0, 'the day wrote');
  t.ok(report.dynamoUsdMonth <= 0.05, `DynamoDB $${report.dynamoUsdMonth} a month <= $0.05`);
  t.comment(`MONITORING_COST ${JSON.stringify(report)}`);
});

t.test('under a $1 cap the paid steps stretch and the bill follows; free ones keep their pace', async (t) => {
  const report = await measureMonitoringDays({ settings: { monitoringCapUsd: 1 }, onFailure: (what) => t.fail(what) });
  t.ok(report.feeUsdMonth <= 1.05, `measured fee under the cap: $${report.feeUsdMonth} a month`);
  t.ok(report.feeUsdMonth >= 0.5, 'the cap is used, not starved');
  t.comment(`MONITORING_COST_CAPPED ${JSON.stringify({ feeUsdMonth: report.feeUsdMonth, perDay: report.perDay })}`);
});
