/**
 * What one tenant costs in DynamoDB: write and read units per collector cycle, measured from
 * ReturnConsumedCapacity (dynalite computes units the way DynamoDB does: 1 write unit per KB
 * of item, 0.5 read unit per 4 KB eventually consistent), then priced on-demand per month.
 * Prints a table and a JSON line (`STORE_CAPACITY {...}`).
 */
import t from 'tap';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../src/store/index.js';
import { openTestStore, sampleSeries, metricsResult, costResult, securityResult, finding, SERVICES } from './fixtures/store.js';

// ~2,000 writes through dynalite: tens of seconds on a loaded machine, more than tap's default allows.
t.setTimeout(300_000);

const HOUR = 3_600_000;
const MIN = 60_000;
// us-east-1 on-demand, standard table class (assumed; see the report): $ per million request units.
const PRICE_WRITE_PER_MILLION = 0.625;
const PRICE_READ_PER_MILLION = 0.125;
const CYCLES_PER_MONTH = { metrics: (30 * 24 * 60) / 15, security: (30 * 24 * 60) / 15, cost: 30 * 2 };

function units(store: Store) {
  return store.capacity.sum();
}

t.test('write units are 1 per started KB of item, as DynamoDB bills them', async (t) => {
  const { raw, prefix } = await openTestStore(t);
  for (const [bytes, expected] of [
    [300, 1],
    [900, 1],
    [1_500, 2],
    [3_300, 4],
  ] as const) {
    const output = (await raw.send(
      new PutCommand({ TableName: `${prefix}state`, Item: { pk: 't-x', sk: `size-${bytes}`, blob: 'x'.repeat(bytes) }, ReturnConsumedCapacity: 'TOTAL' }),
    )) as { ConsumedCapacity?: { CapacityUnits?: number } };
    t.equal(output.ConsumedCapacity?.CapacityUnits, expected, `${bytes}-byte item: ${expected} WCU`);
  }
});

t.test('units per tenant per cycle, and the monthly on-demand cost', async (t) => {
  const { store } = await openTestStore(t);
  const tenant = 't-bench';
  const account = 'a-bench';
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
  // 50 instances over 3 regions, 5 metrics each: 250 series.
  const perRegion = [17, 17, 16];
  const metricsNames = ['CPUUtilization', 'NetworkIn', 'NetworkOut', 'DiskReadOps', 'StatusCheckFailed'];
  const seriesAt = (start: number, end: number) =>
    regions.flatMap((region, i) => sampleSeries({ instances: perRegion[i] ?? 0, regions: [region], metrics: metricsNames, start, end }));
  const T0 = Date.parse('2026-03-10T00:00:00Z');

  // First run: a 3-hour backfill (what a new account costs once).
  store.capacity.reset();
  const backfill = seriesAt(T0 - 3 * HOUR, T0);
  await store.results.write(metricsResult(tenant, account, backfill, new Date(T0).toISOString()));
  const metricsFirst = units(store);

  // Steady state: a run every 15 min fetching the last 20 min (5-minute points), over an hour (one in four 20-min windows crosses an hour).
  store.capacity.reset();
  const cycles = 4;
  for (let i = 1; i <= cycles; i += 1) {
    const end = T0 + i * 15 * MIN;
    await store.results.write(metricsResult(tenant, account, seriesAt(end - 20 * MIN, end), new Date(end).toISOString()));
  }
  const metricsSteady = { writeUnits: units(store).writeUnits / cycles, readUnits: units(store).readUnits / cycles };
  const series = backfill.length;

  // Cost: 30 days x 10 services, then a later run where only the last 2 days moved.
  store.capacity.reset();
  await store.results.write(costResult(tenant, account, { days: 30, endDay: '2026-03-10' }));
  const costFirst = units(store);
  store.capacity.reset();
  const again = costResult(tenant, account, { days: 30, endDay: '2026-03-10' });
  again.daily = again.daily!.map((row) => (row.day >= '2026-03-08' ? { ...row, amountUsd: row.amountUsd + 1 } : row));
  await store.results.write(again);
  const costSteady = units(store);

  // Security: a handful of findings first, then one updated finding per run; plus the watermark round trip.
  const now = Date.parse('2026-03-10T00:00:00Z');
  store.capacity.reset();
  await store.results.getWatermark(tenant, account, 'security');
  await store.results.write(securityResult(tenant, account, Array.from({ length: 5 }, (_, i) => finding(`f${i}`, 2 + i * 1.7, new Date(now - i * HOUR).toISOString()))));
  await store.results.setWatermark(tenant, account, 'security', new Date(now).toISOString());
  const securityFirst = units(store);
  store.capacity.reset();
  await store.results.getWatermark(tenant, account, 'security');
  await store.results.write(securityResult(tenant, account, [finding('f1', 5, new Date(now + HOUR).toISOString(), { count: 2 })]));
  await store.results.setWatermark(tenant, account, 'security', new Date(now + HOUR).toISOString());
  const securitySteady = units(store);

  // A dashboard view, uncached: overview, 30 days of costs, first findings page, recommendations, a 24 h chart.
  store.capacity.reset();
  await store.tenants.create({ id: tenant, name: 'Bench' }).catch(() => undefined);
  store.capacity.reset();
  await store.reads.overview(tenant);
  await store.reads.costs(tenant, { start: '2026-02-09', end: '2026-03-11' });
  await store.reads.findings(tenant, {});
  await store.reads.recommendations(tenant);
  await store.reads.metrics(tenant, { accountId: account, namespace: 'AWS/EC2', metricName: 'CPUUtilization', resourceId: backfill[0]?.resourceId ?? '', from: new Date(T0 - 22 * HOUR).toISOString(), to: new Date(T0 + 2 * HOUR).toISOString() });
  const dashboard = units(store);

  // The findings table has a local index: real DynamoDB bills each finding write again for it (dynalite does not count it).
  const securityIndexWrites = { first: 5, steady: 1 };
  const month = {
    metrics: metricsSteady.writeUnits * CYCLES_PER_MONTH.metrics,
    cost: costSteady.writeUnits * CYCLES_PER_MONTH.cost,
    security: (securitySteady.writeUnits + securityIndexWrites.steady) * CYCLES_PER_MONTH.security,
  };
  const monthlyWrites = month.metrics + month.cost + month.security;
  const monthlyReads = (metricsSteady.readUnits + securitySteady.readUnits) * CYCLES_PER_MONTH.metrics + costSteady.readUnits * CYCLES_PER_MONTH.cost;
  const dollars = (monthlyWrites * PRICE_WRITE_PER_MILLION + monthlyReads * PRICE_READ_PER_MILLION) / 1e6;
  const dashboardViewCost = (dashboard.readUnits * PRICE_READ_PER_MILLION) / 1e6;

  const row = (name: string, u: { writeUnits: number; readUnits: number }) => `${name.padEnd(34)} ${u.writeUnits.toFixed(1).padStart(8)} ${u.readUnits.toFixed(1).padStart(8)}`;
  t.comment(
    [
      `${'per tenant (1 account)'.padEnd(34)} ${'WCU'.padStart(8)} ${'RCU'.padStart(8)}`,
      row(`metrics first run (${series} series, 3 h)`, metricsFirst),
      row('metrics per 15-min cycle', metricsSteady),
      row(`cost first run (30 d x ${SERVICES.length})`, costFirst),
      row('cost per 12-h cycle (2 days moved)', costSteady),
      row('security first run (5 findings)', securityFirst),
      row('security per cycle (1 updated)', securitySteady),
      row('dashboard view, uncached', dashboard),
      `monthly: ${Math.round(monthlyWrites).toLocaleString('en-US')} WRU + ${Math.round(monthlyReads).toLocaleString('en-US')} RRU = $${dollars.toFixed(3)} per tenant per month (on-demand, us-east-1)`,
    ].join('\n'),
  );
  t.comment(
    `STORE_CAPACITY ${JSON.stringify({
      series,
      metricsFirst,
      metricsSteady,
      costFirst,
      costSteady,
      securityFirst,
      securitySteady,
      dashboard,
      monthlyWrites: Math.round(monthlyWrites),
      monthlyReads: Math.round(monthlyReads),
      usdPerTenantMonth: Number(dollars.toFixed(4)),
      usdPerDashboardView: dashboardViewCost,
      prices: { writePerMillion: PRICE_WRITE_PER_MILLION, readPerMillion: PRICE_READ_PER_MILLION },
    })}`,
  );

  // Packed: one item per region and hour holding every series, ~4 bytes a point: a 20-minute
  // window of 250 series is a few KB per region, far below one write per series.
  t.ok(metricsSteady.writeUnits > 0 && metricsSteady.writeUnits < series / 5, `metrics: ${metricsSteady.writeUnits} WCU per cycle for ${series} series`);
  t.ok(costFirst.writeUnits >= 30 && costFirst.writeUnits < 45, `cost first run: ${costFirst.writeUnits} WCU`);
  t.ok(costSteady.writeUnits <= 5, 'only changed days are rewritten');
  t.ok(securitySteady.writeUnits <= 4);
});
