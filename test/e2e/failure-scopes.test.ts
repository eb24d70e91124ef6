/**
 * Issue 10's failure scopes, end to end: the runtime on the real adapters and SDK clients against
 * a simulator that refuses what AWS refuses. A missing permission stops one step, a disabled
 * region one region, a refused identity the account until it is updated; a new account's missing
 * forecast stops nothing. Real clock, short intervals; waits on conditions, never on durations.
 */
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRuntime } from '../../src/actors/index.js';
import { createCostJob } from '../../src/collectors/cost-job.js';
import { mergeRunStatus } from '../../src/actors/run-status.js';
import type { CollectContext } from '../../src/collectors/index.js';
import type { CostResult, MetricsResult, RunStatus } from '../../src/domain/sink.js';
import type { Account, Tenant } from '../../src/domain/tenant.js';
import { silentLogger } from '../../src/log.js';
import { startWorld } from '../aws/sim-world.js';
import { MemorySink, MemoryTenantSource } from '../support/fakes.js';

const DENIED = '410000000001';
const REGION = '410000000002';
const EXTID = '410000000003';
const NEW = '410000000004';

function account(tenantId: string, awsAccountId: string, regions: string[], revision = 1): Account {
  return {
    id: `${tenantId}-acct`,
    tenantId,
    name: tenantId,
    awsAccountId,
    regions,
    credentials: { type: 'role', roleArn: `arn:aws:iam::${awsAccountId}:role/CloudHealthMonitor`, externalId: `ext-${tenantId}` },
    status: 'active',
    revision,
  };
}

function tenant(id: string, accounts: Account[], revision = 1): Tenant {
  return { id, name: id, revision, settings: {}, accounts };
}

async function until(what: string, condition: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(100);
  }
}

t.test('each failure stops only its scope', async (t) => {
  const world = await startWorld(
    t,
    {
      accounts: {
        [DENIED]: { deniedActions: ['ce:GetRightsizingRecommendation'] },
        [REGION]: { disabledRegions: ['ap-east-1'] },
        [EXTID]: { roles: { CloudHealthMonitor: { externalId: 'ext-somebody-else' } } },
        [NEW]: { newAccount: true },
      },
    },
    { maxAttempts: 1 },
  );
  const source = new MemoryTenantSource();
  source.put(tenant('t-denied', [account('t-denied', DENIED, ['us-east-1'])]));
  source.put(tenant('t-region', [account('t-region', REGION, ['us-east-1', 'ap-east-1'])]));
  source.put(tenant('t-extid', [account('t-extid', EXTID, ['us-east-1'])]));
  source.put(tenant('t-new', [account('t-new', NEW, ['us-east-1'])]));
  const sink = new MemorySink();
  const runtime = createRuntime({
    source,
    sink,
    gateway: world.aws,
    log: silentLogger(),
    intervalsMs: { metrics: 1_500, security: 1_500, cost: 3_000 },
    startupSpreadMs: 200,
    reconcileIntervalMs: 200,
  });
  t.teardown(() => runtime.stop(5_000));
  await runtime.start();
  const status = (tenantId: string, collector: RunStatus['collector']) => sink.runStatuses.get(`${tenantId}/${tenantId}-acct/${collector}`);
  const writes = <K extends 'cost' | 'metrics' | 'security'>(tenantId: string, kind: K) => sink.writesFor(tenantId, kind);

  await t.test('a missing ce:GetRightsizingRecommendation leaves costs, forecast, metrics and findings flowing', async (t) => {
    await until('the denied account collected everything else', () =>
      writes('t-denied', 'cost').some((w) => (w as CostResult).daily !== undefined && (w as CostResult).forecast !== undefined) &&
      writes('t-denied', 'metrics').length > 0 &&
      writes('t-denied', 'security').length > 0,
    );
    const cost = writes('t-denied', 'cost') as CostResult[];
    t.ok(cost.every((w) => w.rightsizing === undefined), 'no rightsizing stored');
    t.ok(cost.some((w) => (w.daily?.length ?? 0) > 0 && w.anomalies !== undefined), 'daily costs and anomalies stored');
    const step = status('t-denied', 'cost')?.steps.find((s) => s.operation === 'GetRightsizingRecommendation');
    t.match(step?.error, { kind: 'permission', action: 'ce:GetRightsizingRecommendation' }, 'the step says which action is missing');
    t.equal(runtime.registry.get('t-denied')?.accounts['t-denied-acct']?.status, 'active', 'the account keeps running');
    t.ok(status('t-denied', 'metrics')?.lastSuccessAt, 'metrics succeed in full');
  });

  await t.test('a disabled region leaves the other regions flowing', async (t) => {
    await until('the region account collected us-east-1 and recorded ap-east-1', () =>
      (status('t-region', 'metrics')?.steps.some((s) => s.region === 'ap-east-1' && s.error !== undefined) ?? false) &&
      writes('t-region', 'metrics').some((w) => (w as MetricsResult).alarmRegions.includes('us-east-1')),
    );
    const metrics = writes('t-region', 'metrics') as MetricsResult[];
    t.ok(metrics.every((w) => !w.alarmRegions.includes('ap-east-1')), 'nothing from the disabled region');
    t.ok(metrics.some((w) => w.series.some((s) => s.region === 'us-east-1')), 'series of the enabled region');
    const regionSteps = status('t-region', 'metrics')!.steps.filter((s) => s.region === 'ap-east-1');
    t.ok(regionSteps.length > 0 && regionSteps.every((s) => s.error?.kind === 'region'), `ap-east-1 steps are "region": ${JSON.stringify(regionSteps.map((s) => s.error?.code))}`);
    t.equal(runtime.registry.get('t-region')?.accounts['t-region-acct']?.status, 'active', 'not the account');
    await until('security read us-east-1', () => writes('t-region', 'security').length > 0);
    t.ok(status('t-region', 'security')?.steps.some((s) => s.region === 'ap-east-1' && s.error?.kind === 'region'), 'GuardDuty in the disabled region: region too');
  });

  await t.test('a wrong ExternalId stops the account; an update resumes it', async (t) => {
    await until('the account is marked', () => runtime.registry.get('t-extid')?.accounts['t-extid-acct']?.status === 'credentials_invalid');
    t.equal(sink.statuses.get('t-extid/t-extid-acct')?.status, 'credentials_invalid', 'stored for the tenant');
    const assumes = () => world.sim.calls({ account: EXTID, operation: 'AssumeRole' }).length;
    const before = assumes();
    await sleep(3_500);
    t.equal(assumes(), before, 'no more calls for the account while it is refused');
    t.equal(writes('t-extid', 'cost').length + writes('t-extid', 'metrics').length, 0, 'nothing collected');

    // The tenant fixes the role's trust (the simulator now pins the tenant's ExternalId) and updates the account.
    world.sim.configureAccount(EXTID, { roles: { CloudHealthMonitor: { externalId: 'ext-t-extid' } } });
    source.put(tenant('t-extid', [account('t-extid', EXTID, ['us-east-1'], 2)], 2));
    runtime.refreshTenant('t-extid');
    await until('collected after the update', () => writes('t-extid', 'cost').length > 0 && writes('t-extid', 'metrics').length > 0);
    t.equal(runtime.registry.get('t-extid')?.accounts['t-extid-acct']?.status, 'active', 'active again');
  });

  await t.test('a new account with no forecast data shows its daily costs', async (t) => {
    await until('the new account stored daily costs', () => writes('t-new', 'cost').some((w) => ((w as CostResult).daily?.length ?? 0) > 0));
    // A run's forecast step may also fail for a passing reason (a call timed out on a loaded
    // machine: 'transient'); wait for a run whose step got AWS's answer.
    const forecastStep = () => status('t-new', 'cost')?.steps.find((s) => s.operation === 'GetCostForecast');
    await until('a cost run whose forecast step got an answer', () => forecastStep()?.error?.kind !== 'transient');
    t.match(forecastStep()?.error, { kind: 'no_data', code: 'DataUnavailableException' });
    t.ok((writes('t-new', 'cost') as CostResult[]).every((w) => w.forecast === undefined), 'no forecast stored');
    t.ok(status('t-new', 'cost')?.lastSuccessAt, 'no data yet is not a failure of the run');
  });
});

t.test('a run whose forecast fails: the retry does not repeat the billed GetCostAndUsage', async (t) => {
  const world = await startWorld(t, { faults: [{ account: DENIED, operation: 'GetCostForecast', errorRate: 1 }] }, { maxAttempts: 1 });
  const target = account('t-retry', DENIED, ['us-east-1']);
  const sink = new MemorySink();
  const job = createCostJob();
  let previous: RunStatus | undefined;
  const now = Date.now();
  const run = async (at: number) => {
    const ctx: CollectContext = {
      tenantId: 't-retry',
      kind: 'cost',
      accounts: [target],
      settings: {},
      now: at,
      intervalMs: 12 * 3_600_000,
      force: false,
      signal: new AbortController().signal,
      aws: world.aws,
      call: (_service, fn) => fn(new AbortController().signal),
      sink,
      previous: () => previous,
      memory: new Map(),
      log: silentLogger(),
    };
    const [outcome] = await job(ctx);
    previous = mergeRunStatus(previous, { tenantId: 't-retry', account: target, collector: 'cost', outcome: outcome!, now: at });
  };
  const calls = (operation: string) => world.sim.calls({ account: DENIED, operation }).filter((c) => c.status === 200).length;

  await run(now);
  t.equal(calls('GetCostAndUsage'), 2, 'the cost history was fetched (and billed): 12 months and 90 days, the daily costs in it');
  t.ok((sink.writes[0] as CostResult).daily, 'and stored although the forecast failed');
  t.match(previous?.steps.find((s) => s.operation === 'GetCostForecast')?.error, { kind: 'transient' });
  const billedBefore = world.sim.billable(DENIED).costExplorerRequests;

  world.sim.clearFaults();
  await run(now + 5 * 60_000);
  t.equal(calls('GetCostAndUsage'), 2, 'the retry five minutes later did not ask for the history or the daily costs again');
  t.equal(calls('GetCostForecast'), 1, 'only the failed forecast');
  t.equal(world.sim.billable(DENIED).costExplorerRequests - billedBefore, 1, 'one more billed request');
  t.ok(previous?.lastSuccessAt, 'the run status is complete now');

  await run(now + 12 * 3_600_000);
  t.equal(calls('GetCostAndUsage'), 3, 'the next scheduled run, 12 h later, fetches the recent days again');
});
