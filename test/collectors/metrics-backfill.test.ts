/**
 * The 24-hour metric backfill on connect (issue 16), measured on the README's reference account:
 * the real metrics job through the real CloudWatch adapter against the simulator, stored in the
 * real store. Prints `METRICS_BACKFILL {...}`, the figures the README quotes.
 */
import t from 'tap';
import { BACKFILL_STEP } from '../../src/collectors/metrics-job.js';
import { estimateFeeUsd } from '../../src/aws/index.js';
import { metricsPerCall } from '../../src/aws/metric-queries.js';
import { REFERENCE_ACCOUNT_SHAPE } from '../../src/collectors/index.js';
import { REFERENCE_ACCOUNT } from '../support/monitoring-days.js';
import { connectWorld } from '../support/connect-world.js';
import { OneOffSlots } from '../../src/collectors/one-off-slots.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

t.setTimeout(300_000);

t.test('calls are split so no GetMetricData answer pages (pages are billed again)', async (t) => {
  t.equal(metricsPerCall(24 * HOUR, 300), 350, '24 h at 5 minutes: 288 points a metric, 350 metrics a call (100,800 datapoints)');
  t.equal(metricsPerCall(12 * HOUR, 300), 500, "12 h: GetMetricData's 500 metrics a call");
  t.equal(metricsPerCall(24 * HOUR, 60), 70, '24 h at 1 minute: 1,440 points a metric');
});

t.test('a new account: the past 24 hours once, then the tiers continue from it; a restart does not repeat it', async (t) => {
  const w = await connectWorld();
  t.teardown(() => w.close());
  const calls = () => w.sim.calls({ account: REFERENCE_ACCOUNT, operation: 'GetMetricData' });

  // The first run of a new account is a forced one (the runtime runs an added account at once).
  const first = await w.run('metrics', { force: true });
  t.same(first.steps.filter((s) => s.error !== undefined), [], 'no step failed');
  const backfills = first.steps.filter((s) => s.step.startsWith(`${BACKFILL_STEP}@`));
  t.equal(backfills.length, w.account.regions.length, 'one backfill step per region');
  t.notOk(first.steps.some((s) => s.step.startsWith('GetMetricData:headline') || s.step.startsWith('GetMetricData:other')), 'the backfill replaces the tiers in that run');

  const metrics = REFERENCE_ACCOUNT_SHAPE.headlineMetrics + REFERENCE_ACCOUNT_SHAPE.otherMetrics + REFERENCE_ACCOUNT_SHAPE.dailyMetrics;
  const billed = w.sim.billable(REFERENCE_ACCOUNT).getMetricDataMetrics;
  t.equal(billed, metrics, `one metric request per metric: ${metrics} metrics`);
  const backfillCalls = calls();
  t.ok(backfillCalls.every((c) => c.billableUnits <= 350), 'no call asks for more than 350 metrics (100,800 datapoints over 24 h)');
  t.equal(backfillCalls.reduce((sum, c) => sum + c.billableUnits, 0), billed, 'no page was billed twice');
  const usd = estimateFeeUsd({ getMetricDataMetrics: billed, costExplorerRequests: 0 });
  t.equal(usd, 0.0054, `the backfill costs $${usd}`);

  // Charts have points at once: an EC2 instance's CPU over the past 24 hours.
  const end = new Date(w.clock.now).toISOString();
  const from = new Date(w.clock.now - 24 * HOUR).toISOString();
  const cpu = await w.store.metrics.query(w.tenantId, { accountId: w.account.id, namespace: 'AWS/EC2', metricName: 'CPUUtilization', from, to: end });
  t.ok(cpu.length >= 50, `every instance has a series (${cpu.length})`);
  const points = Math.min(...cpu.map((s) => s.points.length));
  t.ok(points >= 280, `each has ~288 five-minute points of the past day (fewest: ${points})`);

  // A restart two minutes later: statuses come back from the store; nothing paid runs.
  w.clock.now += 2 * MIN;
  w.restart();
  const afterRestart = await w.run('metrics');
  t.notOk(afterRestart.steps.some((s) => s.operation === 'GetMetricData'), 'no GetMetricData after the restart');
  t.equal(w.sim.billable(REFERENCE_ACCOUNT).getMetricDataMetrics, billed, 'the restart cost nothing');

  // The headline tier is next due 15 minutes after the backfill, with a window from it.
  w.clock.now += 13 * MIN;
  const headline = await w.run('metrics');
  t.ok(headline.steps.some((s) => s.step.startsWith('GetMetricData:headline@')), 'the headline tier runs at its cadence after the backfill');
  t.notOk(headline.steps.some((s) => s.step.startsWith(`${BACKFILL_STEP}@`)), 'no second backfill');
  t.equal(w.sim.billable(REFERENCE_ACCOUNT).getMetricDataMetrics - billed, REFERENCE_ACCOUNT_SHAPE.headlineMetrics, 'only the headline metrics');

  // A changed account (a region removed, the selection changed: a new revision) is backfilled again.
  w.clock.now += 5 * MIN;
  const before = w.sim.billable(REFERENCE_ACCOUNT).getMetricDataMetrics;
  w.account.revision += 1;
  w.account.regions = w.account.regions.slice(0, 1);
  const changed = await w.run('metrics', { force: true });
  t.equal(changed.steps.filter((s) => s.step.startsWith(`${BACKFILL_STEP}@`)).length, 1, 'the new revision is backfilled in its one region');
  t.ok(w.sim.billable(REFERENCE_ACCOUNT).getMetricDataMetrics > before, 'and billed as such');
  t.comment(`METRICS_BACKFILL ${JSON.stringify({ account: REFERENCE_ACCOUNT, regions: 3, metrics, calls: backfillCalls.length, getMetricDataMetrics: billed, usd })}`);
});

t.test('one-off fetches take a free process-wide slot or wait for a later run (many accounts connecting at once)', async (t) => {
  const slots = new OneOffSlots(1);
  const w = await connectWorld(undefined, { oneOff: slots });
  t.teardown(() => w.close());
  // Another account's backfill holds the only slot.
  const other = slots.tryAcquire()!;
  const waited = await w.run('metrics', { force: true });
  t.notOk(waited.steps.some((s) => s.step.startsWith(`${BACKFILL_STEP}@`)), 'no backfill without a slot');
  t.ok(waited.steps.some((s) => s.step.startsWith('GetMetricData:headline')), 'the regular tiers run instead');
  const cost = await w.run('cost', { force: true });
  t.notOk(cost.steps.some((s) => s.step.startsWith('GetCostAndUsage:history')), 'no cost history without a slot');
  t.ok(cost.steps.some((s) => s.step === 'GetCostAndUsage:month'), 'the month is fetched instead');
  t.equal(slots.inUse, 1, 'a run without a slot took none');

  other();
  w.clock.now += 5 * MIN;
  const later = await w.run('metrics');
  t.equal(later.steps.filter((s) => s.step.startsWith(`${BACKFILL_STEP}@`) && s.error === undefined).length, w.account.regions.length, 'the backfill runs once a slot is free');
  w.clock.now += HOUR;
  const costLater = await w.run('cost');
  t.equal(costLater.steps.filter((s) => s.step.startsWith('GetCostAndUsage:history') && s.error === undefined).length, 2, 'and the cost history');
  t.equal(slots.inUse, 0, 'each run gave its slot back once it had stored');
});
