/**
 * What monitoring costs a tenant, measured: the real collector jobs run once each through the
 * real adapters against the simulator; the calls it records are multiplied by the default
 * cadences (metrics and security every 15 min, cost every 12 h, metric discovery every 6 h)
 * and priced. Also checks that the ledger equals the simulator's bill after a full run.
 */
import t from 'tap';
import { silentLogger } from '../../src/log.js';
import type { Account, CollectorKind } from '../../src/domain/tenant.js';
import { defaultJobs, type CollectContext, type CollectorJob } from '../../src/collectors/index.js';
import { estimateFeeUsd } from '../../src/aws/index.js';
import type { SimCall } from '../../src/sim/index.js';
import { memorySink, startWorld, type World } from './sim-world.js';

const MIN = 60_000;
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2', 'eu-central-1'];
const RUNS_PER_DAY = { metrics: (24 * 60) / 15, security: (24 * 60) / 15, cost: 2, discovery: 4 };


/** The account's regions, found through the adapters (every simulated region has alarms). */
async function regionsOf(w: World, awsAccountId: string): Promise<string[]> {
  const found: string[] = [];
  for (const region of REGIONS) {
    if ((await w.aws.cloudwatch.describeAlarms(w.role(awsAccountId), region, new AbortController().signal)).length > 0) found.push(region);
  }
  return found;
}

function byOperation(calls: SimCall[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[call.operation] = (counts[call.operation] ?? 0) + 1;
  return counts;
}

t.test('one collection of each kind, multiplied by the default cadences', async (t) => {
  // Find an account with 3 regions on a scratch simulator (same seed, same data).
  const probe = await startWorld(t);
  let awsAccountId = '';
  let regions: string[] = [];
  for (let i = 1; i < 50 && regions.length !== 3; i++) {
    awsAccountId = String(100_000_000_000 + i);
    regions = await regionsOf(probe, awsAccountId);
  }
  t.equal(regions.length, 3, `account ${awsAccountId} has 3 regions: ${regions.join(', ')}`);

  const w = await startWorld(t);
  const account: Account = { ...w.role(awsAccountId, 'tenant-measured'), name: 'measured', regions, status: 'active', revision: 1 };
  const sink = memorySink();
  const jobs = defaultJobs();
  const memory: Record<CollectorKind, Map<string, unknown>> = { metrics: new Map(), security: new Map(), cost: new Map(), health: new Map(), compliance: new Map() };
  const start = Date.now();
  // Metrics polls between two 6-hour boundaries, so neither is the one that also fetches the daily S3 metrics.
  const metricsStart = Math.floor(start / (360 * MIN)) * 360 * MIN - 180 * MIN;
  async function run(kind: CollectorKind, job: CollectorJob, now: number, intervalMs: number): Promise<Record<string, number>> {
    const before = w.sim.calls({ account: awsAccountId }).length;
    const ctx: CollectContext = {
      tenantId: account.tenantId,
      kind,
      accounts: [account],
      settings: {},
      now,
      intervalMs,
      force: false,
      previous: () => undefined,
      signal: new AbortController().signal,
      aws: w.aws,
      call: (_service, fn) => fn(new AbortController().signal),
      sink,
      memory: memory[kind],
      log: silentLogger(),
    };
    const outcomes = await job(ctx);
    t.same(outcomes.map((o) => [o.error, ...o.steps.map((s) => s.error)].filter(Boolean)), [[]], `${kind} run succeeded`);
    return byOperation(w.sim.calls({ account: awsAccountId }).slice(before));
  }

  const metricsFirst = await run('metrics', jobs.metrics, metricsStart, 15 * MIN);
  const metricsSteady = await run('metrics', jobs.metrics, metricsStart + 15 * MIN, 15 * MIN);
  const securityFirst = await run('security', jobs.security, start, 15 * MIN);
  const securitySteady = await run('security', jobs.security, start + 15 * MIN, 15 * MIN);
  const cost = await run('cost', jobs.cost, start, 12 * 60 * MIN);

  // The ledger counted exactly what the simulator billed.
  const billed = w.sim.billable(awsAccountId);
  const usage = w.aws.ledger.usage(account.tenantId);
  t.equal(usage.costExplorerRequests, billed.costExplorerRequests, 'ledger CE requests == simulator');
  t.equal(usage.getMetricDataMetrics, billed.getMetricDataMetrics, 'ledger GetMetricData metrics == simulator');

  // Billable units of one steady metrics poll and one cost run.
  const metricsResult = sink.results.filter((r) => r.kind === 'metrics').at(-1);
  const metricsPerPoll = metricsResult?.kind === 'metrics' ? metricsResult.series.length : 0;
  const ec2 = metricsResult?.kind === 'metrics' ? metricsResult.series.filter((s) => s.metric.namespace === 'AWS/EC2' && s.metric.metricName === 'CPUUtilization').length : 0;
  const ceRequestsPerRun = Object.values(cost).reduce((a, b) => a + b, 0);
  t.equal(billed.getMetricDataMetrics, 2 * metricsPerPoll, 'two polls billed');
  t.equal(billed.costExplorerRequests, ceRequestsPerRun, 'every CE request of the run billed');

  const listMetricsPerDiscovery = metricsFirst.ListMetrics ?? 0;
  const perDay = {
    metrics: Object.fromEntries(Object.entries(metricsSteady).map(([op, n]) => [op, n * RUNS_PER_DAY.metrics])),
    security: Object.fromEntries(Object.entries(securitySteady).map(([op, n]) => [op, n * RUNS_PER_DAY.security])),
    cost: Object.fromEntries(Object.entries(cost).map(([op, n]) => [op, n * RUNS_PER_DAY.cost])),
  };
  perDay.metrics.ListMetrics = listMetricsPerDiscovery * RUNS_PER_DAY.discovery;
  const month = (units: number, runsPerDay: number) => units * runsPerDay * 30;
  const measured = estimateFeeUsd({ costExplorerRequests: month(ceRequestsPerRun, 2), getMetricDataMetrics: month(metricsPerPoll, RUNS_PER_DAY.metrics) });
  const metrics50 = metricsPerPoll - 2 * ec2 + 2 * 50;
  const fifty = estimateFeeUsd({ costExplorerRequests: month(ceRequestsPerRun, 2), getMetricDataMetrics: month(metrics50, RUNS_PER_DAY.metrics) });
  const hourlyGmd = estimateFeeUsd({ costExplorerRequests: month(ceRequestsPerRun, 2), getMetricDataMetrics: month(metrics50, 24) });

  t.comment(`account ${awsAccountId}, regions ${regions.join(', ')}: ${ec2} EC2 instances, ${metricsPerPoll} metrics per poll`);
  t.comment(`first metrics run (with discovery): ${JSON.stringify(metricsFirst)}; steady: ${JSON.stringify(metricsSteady)}`);
  t.comment(`first security run: ${JSON.stringify(securityFirst)}; steady: ${JSON.stringify(securitySteady)}`);
  t.comment(`cost run: ${JSON.stringify(cost)}`);
  t.comment(`requests per day: ${JSON.stringify(perDay)}`);
  t.comment(`monthly fee, this account: $${measured.toFixed(2)} (GetMetricData ${month(metricsPerPoll, 96)} metrics, CE ${month(ceRequestsPerRun, 2)} requests)`);
  t.comment(`monthly fee, 50 instances in 3 regions: $${fifty.toFixed(2)} (${metrics50} metrics/poll); with GetMetricData hourly instead: $${hourlyGmd.toFixed(2)}`);
  t.comment(
    JSON.stringify({ account: awsAccountId, ec2, metricsPerPoll, metricsFirst, metricsSteady, securitySteady, cost, perDay, feeUsdMonth: measured, fee50UsdMonth: fifty, fee50HourlyUsdMonth: hourlyGmd }),
  );
  t.ok(metricsSteady.ListMetrics === undefined, 'discovery is reused between polls');
  t.equal(metricsSteady.GetMetricData, regions.length, 'one GetMetricData call per region per poll');
});
