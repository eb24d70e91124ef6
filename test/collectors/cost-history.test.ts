/**
 * Cost Explorer history fetched once on connect (issue 16): 12 whole months at MONTHLY and 90 days
 * at DAILY, through the real adapter against the simulator, stored in the real store. Prints
 * `COST_HISTORY {...}`, the figures the README quotes.
 */
import t from 'tap';
import { HISTORY_STEPS } from '../../src/collectors/cost-job.js';
import { estimateFeeUsd } from '../../src/aws/index.js';
import { connectWorld, REFERENCE_ACCOUNT } from '../support/connect-world.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

t.setTimeout(300_000);

t.test('a new account: 12 months and 90 days of cost once; a restart or a change of the account does not repeat it', async (t) => {
  const w = await connectWorld(Date.UTC(2026, 10, 2, 9, 0, 0));
  t.teardown(() => w.close());
  const billed = () => w.sim.billable(REFERENCE_ACCOUNT).costExplorerRequests;

  const first = await w.run('cost', { force: true });
  t.same(first.steps.filter((s) => s.error !== undefined), [], 'no step failed');
  t.same(
    first.steps.map((s) => s.step),
    [...HISTORY_STEPS, 'GetCostForecast', 'GetAnomalies', 'GetRightsizingRecommendation'],
    'the two history requests; the 90 days stand in for the month backfill',
  );
  const historyRequests = w.sim.calls({ account: REFERENCE_ACCOUNT, operation: 'GetCostAndUsage' }).filter((c) => c.billableUnits > 0).length;
  // By service and region: the 12 months fit one page; 91 days of ~9 services in 3 regions are more
  // groups than a page holds (the simulator's COST_PAGE_ROWS), so the daily history takes two.
  const pages = (key: string) => first.steps.filter((s) => s.step === key).length;
  t.equal(pages(HISTORY_STEPS[0]), 1, 'the monthly history is one step');
  t.equal(historyRequests, 3, 'the monthly history one page, the daily history two');
  t.equal(billed(), 6, 'the first run: 3 history pages + forecast, anomalies, rightsizing');
  const historyUsd = estimateFeeUsd({ costExplorerRequests: historyRequests, getMetricDataMetrics: 0 });
  t.equal(historyUsd, 0.03, 'the history costs $0.03 for the reference account');
  const regions = await w.store.costs.dailyByRegion(w.tenantId, { start: '2026-08-04', end: '2026-11-03' });
  t.same([...new Set(regions.map((r) => r.region))].sort(), [...w.account.regions].sort(), 'daily cost per region of the account');

  const months = await w.store.costs.monthly(w.tenantId, { start: '2025-01', end: '2026-12' });
  t.same([...new Set(months.map((m) => m.month))].sort(), ['2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'], 'the 12 whole months before this one');
  t.ok(months.every((m) => m.amountUsd >= 0) && months.reduce((sum, m) => sum + m.amountUsd, 0) > 0, 'with real amounts');
  const days = await w.store.costs.daily(w.tenantId, { start: '2026-07-01', end: '2026-11-03' });
  t.equal(new Set(days.map((d) => d.day)).size, 91, '90 days and today');
  t.equal(days.map((d) => d.day).sort()[0], '2026-08-04', 'from 90 days ago');

  // A restart an hour later: nothing of the history again, and the month backfill waits its day.
  w.clock.now += HOUR;
  w.restart();
  const afterRestart = await w.run('cost');
  t.notOk(afterRestart.steps.some((s) => s.operation === 'GetCostAndUsage'), 'no GetCostAndUsage after the restart');
  t.equal(billed(), 6, 'the restart cost nothing');

  // A changed account (new credentials: a new revision) keeps its history: no second fetch.
  w.clock.now += HOUR;
  w.account.revision += 1;
  const changed = await w.run('cost', { force: true });
  t.notOk(changed.steps.some((s) => s.step.startsWith('GetCostAndUsage:history')), 'no history for a new revision');
  t.ok(changed.steps.some((s) => s.step === 'GetCostAndUsage:month'), 'the forced run fetches the month as before');

  // The next day: the month backfill runs at its cadence after the history.
  w.clock.now += DAY;
  const nextDay = await w.run('cost');
  t.ok(nextDay.steps.some((s) => s.step === 'GetCostAndUsage:month'), 'the month backfill a day later');
  t.comment(`COST_HISTORY ${JSON.stringify({ account: REFERENCE_ACCOUNT, monthly: 12, dailyDays: 90, requests: historyRequests, usd: historyUsd })}`);
});

t.test('a history that failed is tried again at the next run, and only the part that failed', async (t) => {
  const w = await connectWorld(Date.UTC(2026, 10, 2, 9, 0, 0));
  t.teardown(() => w.close());
  w.sim.setFaults([{ account: REFERENCE_ACCOUNT, service: 'ce', operation: 'GetCostAndUsage', errorRate: 1 }]);
  const failed = await w.run('cost', { force: true });
  t.ok(HISTORY_STEPS.every((key) => failed.steps.find((s) => s.step === key)?.error !== undefined), 'both parts failed (not billed)');
  t.equal(await w.store.results.getWatermark(w.tenantId, w.account.id, 'cost'), undefined, 'not marked done');

  w.sim.clearFaults();
  w.clock.now += HOUR;
  const retried = await w.run('cost');
  t.same(retried.steps.filter((s) => s.step.startsWith('GetCostAndUsage')).map((s) => [s.step, s.error === undefined]), HISTORY_STEPS.map((key) => [key, true]), 'both fetched at the next run');
  t.match(await w.store.results.getWatermark(w.tenantId, w.account.id, 'cost'), /^history:/, 'and marked done');

  w.clock.now += HOUR;
  const after = await w.run('cost');
  t.notOk(after.steps.some((s) => s.step.startsWith('GetCostAndUsage:history')), 'not again');
});

t.test('the simulator answers no earlier than 13 months back, as Cost Explorer does', async (t) => {
  const w = await connectWorld(Date.UTC(2026, 10, 2, 9, 0, 0));
  t.teardown(() => w.close());
  const signal = new AbortController().signal;
  const ok = await w.aws.costExplorer.getMonthlyCost(w.account, { start: '2025-10-01', end: '2026-11-01' }, signal);
  t.ok(ok.some((row) => row.month === '2025-10'), '13 months back answers');
  const refused = await w.aws.costExplorer.getMonthlyCost(w.account, { start: '2025-09-01', end: '2026-11-01' }, signal).then(
    () => undefined,
    (error: unknown) => error,
  );
  t.match(refused, { awsCode: 'ValidationException' }, '14 months back is refused');
});
