/**
 * A custom metric picked in the metric selection is fetched at the next poll and readable from the
 * store (issue 18 with the packed storage of issue 15): the real metrics job through the real
 * CloudWatch adapter against the simulator, storing into the real store on dynalite.
 */
import t from 'tap';
import { silentLogger } from '../../src/log.js';
import type { RunStatus } from '../../src/domain/sink.js';
import type { CollectContext } from '../../src/collectors/index.js';
import { createMetricsJob } from '../../src/collectors/metrics-job.js';
import { mergeRunStatus } from '../../src/actors/run-status.js';
import { startReferenceWorld } from '../support/connect-world.js';

const live = () => new AbortController().signal;

t.test('a custom metric saved in the selection is stored at the next poll and read back', async (t) => {
  let clock = Date.UTC(2026, 10, 2, 10, 0, 7);
  const world = await startReferenceWorld(() => clock, 'tenant-custom', 'cm-');
  t.teardown(() => world.close());
  const { aws, store, tenantId, account } = world;
  const job = createMetricsJob();
  const memory = new Map<string, unknown>();
  let status: RunStatus | undefined;
  const intervalMs = 20_000;
  const run = async () => {
    const ctx: CollectContext = {
      tenantId, kind: 'metrics', accounts: [account], settings: {}, now: clock, intervalMs, force: false,
      previous: () => status, signal: live(), aws, call: (_service, fn) => fn(live()), sink: store.results, memory, log: silentLogger(),
    };
    const [outcome] = await job(ctx);
    t.notOk(outcome?.error, `run at ${new Date(clock).toISOString()} did not fail`);
    for (const step of outcome?.steps ?? []) t.notOk(step.error, `${step.step} did not fail`);
    status = mergeRunStatus(status, { tenantId, account, collector: 'metrics', outcome: outcome!, now: clock });
  };

  await run();
  const [orders] = (await aws.cloudwatch.browseMetrics!(account, 'us-east-1', 'Custom/Shop', 100, live())).filter((m) => m.metricName === 'OrdersPlaced');
  t.ok(orders, 'the simulator publishes Custom/Shop OrdersPlaced');
  account.metrics = { custom: [{ region: 'us-east-1', namespace: 'Custom/Shop', metricName: 'OrdersPlaced', dimensions: orders!.dimensions, stat: 'Average' }] };
  // Saving a selection changes the account's metrics, not its revision (see the tenant repository).
  for (let i = 0; i < 2; i++) {
    clock += intervalMs;
    await run();
  }
  const catalog = (await store.metrics.catalog(tenantId, account.id)).filter((s) => s.metric.namespace === 'Custom/Shop');
  t.equal(catalog.length, 1, 'in the catalog');
  const found = await store.metrics.query(tenantId, {
    accountId: account.id, namespace: 'Custom/Shop', metricName: 'OrdersPlaced', resourceId: catalog[0]!.resourceId,
    from: new Date(clock - 86_400_000).toISOString(), to: new Date(clock).toISOString(),
  });
  t.equal(found.length, 1, 'one series');
  t.ok((found[0]?.points.length ?? 0) > 0, `with points (${found[0]?.points.length ?? 0})`);
});
