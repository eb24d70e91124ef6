import t from 'tap';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { legacyHourItem } from '../../src/store/metric-items.js';
import { openTestStore, sampleSeries, metricsResult, costResult, securityResult, finding } from './fixtures/store.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-10T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

t.test('metrics: packed one item per account, region and hour; runs merge; a repeated write stores once', async (t) => {
  const { store, queryItems, raw, prefix } = await openTestStore(t);
  const series = sampleSeries({ instances: 2, regions: ['us-east-1'], metrics: ['CPUUtilization', 'NetworkIn'], start: T0, end: T0 + 5 * HOUR });
  await store.results.write(metricsResult('t-a', 'a-1', series, iso(T0 + 5 * HOUR)));
  let items = (await queryItems('metrics', 't-a#a-1')).filter((i) => String(i.sk).startsWith('#h#'));
  t.equal(items.length, 5, 'one item per region and hour holding every series (4 series, 240 points)');
  const first = items[0] as Record<string, unknown>;
  t.equal(first.ttl, Math.floor((Date.parse(`${first.h as string}:00:00Z`) + HOUR) / 1000) + 30 * 86_400, 'TTL 30 days after the hour');
  t.equal(Object.keys(first.s as object).length, 4, 'every series of the region in the item');

  const full = await store.metrics.query('t-a', { accountId: 'a-1', namespace: 'AWS/EC2', metricName: 'CPUUtilization', resourceId: series[0]?.resourceId, from: iso(T0), to: iso(T0 + 5 * HOUR) });
  t.equal(full.length, 1);
  t.same(full[0]?.points, series[0]?.points, 'points round trip');
  t.same(full[0]?.metric, series[0]?.metric);

  store.capacity.reset();
  await store.results.write(metricsResult('t-a', 'a-1', series, iso(T0 + 5 * HOUR)));
  items = (await queryItems('metrics', 't-a#a-1')).filter((i) => String(i.sk).startsWith('#h#'));
  t.equal(items.length, 5, 'the same result written twice is stored once');
  t.equal(store.capacity.sum().writeUnits, 0, 'and costs no write the second time');

  // A later run fetches the rest of the last hour and the next: its points merge on read.
  const later = sampleSeries({ instances: 2, regions: ['us-east-1'], metrics: ['CPUUtilization', 'NetworkIn'], start: T0 + 4.5 * HOUR, end: T0 + 6 * HOUR });
  await store.results.write(metricsResult('t-a', 'a-1', later, iso(T0 + 6 * HOUR)));
  const merged = await store.metrics.query('t-a', { accountId: 'a-1', namespace: 'AWS/EC2', metricName: 'CPUUtilization', resourceId: series[0]?.resourceId, from: iso(T0), to: iso(T0 + 6 * HOUR) });
  t.equal(merged[0]?.points.length, 72, 'six full hours of 5-minute points');
  const window = await store.metrics.query('t-a', { accountId: 'a-1', namespace: 'AWS/EC2', metricName: 'CPUUtilization', from: iso(T0 + HOUR + 30 * 60_000), to: iso(T0 + 2 * HOUR) });
  t.equal(window.length, 2, 'all resources of the metric');
  t.ok(window.every((s) => s.points.length === 6), 'points are cut to [from, to)');
  t.equal((await store.metrics.catalog('t-a', 'a-1')).length, 4);

  // A headline-only poll (its region not complete) goes to the small latest item, read with the rest.
  const fresh = sampleSeries({ instances: 2, regions: ['us-east-1'], start: T0 + 6 * HOUR, end: T0 + 6.25 * HOUR, seed: 5 });
  await store.results.write({ ...metricsResult('t-a', 'a-1', fresh, iso(T0 + 6.25 * HOUR)), completeRegions: [] });
  const latest = (await queryItems('metrics', 't-a#a-1')).filter((i) => i.sk === '#latest');
  t.equal(latest.length, 1, 'one latest item per account');
  const withLatest = await store.metrics.query('t-a', { accountId: 'a-1', namespace: 'AWS/EC2', metricName: 'CPUUtilization', resourceId: series[0]?.resourceId, from: iso(T0), to: iso(T0 + 7 * HOUR) });
  t.equal(withLatest[0]?.points.length, 75, 'the freshest points come from the latest item');
  t.equal((await store.metrics.catalog('t-a', 'a-1')).length, 4, 'a partial poll leaves the catalog as it is');

  // An item of the earlier layout (one per series and hour) is still read until it expires.
  const old = sampleSeries({ instances: 1, regions: ['us-east-1'], start: T0 - 2 * HOUR, end: T0 - HOUR, seed: 9 })[0]!;
  const { points: oldPoints, ...descriptor } = old;
  await raw.send(new PutCommand({ TableName: `${prefix}metrics`, Item: legacyHourItem('t-a', 'a-1', descriptor, T0 - 2 * HOUR, oldPoints) }));
  const migrated = await store.metrics.query('t-a', { accountId: 'a-1', namespace: 'AWS/EC2', metricName: 'CPUUtilization', resourceId: old.resourceId, from: iso(T0 - 2 * HOUR), to: iso(T0 + HOUR) });
  t.equal(migrated[0]?.points.length, 24, 'old items and packed ones merge into one series');

  await t.rejects(store.metrics.query('t-a', { accountId: 'a-1', namespace: 'AWS/EC2', metricName: 'CPUUtilization', from: iso(T0), to: iso(T0 + 40 * 86_400_000) }), { code: 'INVALID_RANGE' });
});

t.test('costs: a day per account, by service over a range, latest forecast; TTL 365 d; idempotent', async (t) => {
  const { store, queryItems } = await openTestStore(t);
  const result = costResult('t-a', 'a-1', { days: 30, endDay: '2026-03-31' });
  await store.results.write(result);
  await store.results.write(costResult('t-a', 'a-2', { days: 30, endDay: '2026-03-31', services: ['Amazon EC2'] }));
  const items = await queryItems('costs', 't-a');
  const days = items.filter((i) => String(i.sk).startsWith('day#'));
  t.equal(days.length, 60, 'one item per day per account (not per service)');
  const d = days[0] as Record<string, unknown>;
  t.equal(d.ttl, Date.parse(d.day as string) / 1000 + 365 * 86_400);

  const rows = await store.costs.dailyByService('t-a', { start: '2026-03-01', end: '2026-03-31' });
  t.equal(rows.length, 30 * 10);
  const ec2 = rows.filter((r) => r.service === 'Amazon EC2' && r.day === '2026-03-15');
  const input = result.daily!.find((r) => r.service === 'Amazon EC2' && r.day === '2026-03-15')?.amountUsd ?? 0;
  t.equal(ec2[0]?.amountUsd.toFixed(2), (input * 2).toFixed(2), 'summed over both accounts');
  t.equal((await store.costs.daily('t-a', { start: '2026-03-01', end: '2026-03-02', accountId: 'a-2' })).length, 1, 'end day excluded, one account');
  t.match(await store.costs.forecasts('t-a'), [{ accountId: 'a-1', meanUsd: 123.45 }, { accountId: 'a-2' }]);

  store.capacity.reset();
  await store.results.write(result);
  t.equal(store.capacity.snapshot().costs?.BatchWriteItem, undefined, 'an unchanged result costs no writes');
  t.equal((await queryItems('costs', 't-a')).filter((i) => String(i.sk).startsWith('day#')).length, 60);
  await t.rejects(store.costs.daily('t-a', { start: '2026-03-05', end: '2026-03-01' }), { code: 'INVALID_RANGE' });
});

t.test('findings: severity and status filters, cursor pages, TTL 90 d', async (t) => {
  const { store, getItem } = await openTestStore(t);
  const now = Date.now();
  const severities = [2, 5, 5.5, 7, 8.5, 9.5, 3, 6.96, 7.2, 10, 1, 4];
  const findings = severities.map((severity, i) => finding(`f${String(i).padStart(2, '0')}`, severity, iso(now - i * 60_000), { archived: i === 11 }));
  await store.results.write(securityResult('t-a', 'a-1', findings));
  await store.results.write(securityResult('t-a', 'a-1', findings));
  const raw = await getItem('findings', { pk: 't-a', sk: 'a-1#f00' });
  t.equal(raw?.ttl, Math.floor((Date.parse(findings[0]?.updatedAt ?? '') + 90 * 86_400_000) / 1000));

  const open = await store.findings.query('t-a', { limit: 100 });
  t.equal(open.items.length, 11, 'archived excluded by default; stored once');
  t.same(open.items.map((f) => f.severity), [...severities.slice(0, 11)].sort((a, b) => b - a), 'most severe first');
  t.same((await store.findings.query('t-a', { severity: ['high', 'critical'] })).items.map((f) => f.band), ['critical', 'critical', 'high', 'high', 'high']);
  t.same((await store.findings.query('t-a', { severity: ['medium'] })).items.map((f) => f.severity), [6.96, 5.5, 5], '6.96 is medium');
  t.same((await store.findings.query('t-a', { severity: ['low', 'critical'] })).items.map((f) => f.severity), [10, 9.5, 3, 2, 1], 'non-contiguous bands');
  t.same((await store.findings.query('t-a', { status: 'archived' })).items.map((f) => f.id), ['f11']);
  t.equal((await store.findings.query('t-a', { status: 'all' })).items.length, 12);
  t.same(await store.findings.openCounts('t-a'), { low: 3, medium: 3, high: 3, critical: 2 });

  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.findings.query('t-a', { limit: 4, ...(cursor ? { cursor } : {}) });
    seen.push(...page.items.map((f) => f.id));
    cursor = page.cursor;
    pages += 1;
  } while (cursor && pages < 10);
  t.equal(pages, 3);
  t.same(seen, open.items.map((f) => f.id), 'pages cover everything once, in order');

  const page = await store.findings.query('t-a', { limit: 2, severity: ['high'] });
  t.ok(page.cursor);
  await t.rejects(store.findings.query('t-a', { limit: 2, cursor: page.cursor }), { code: 'INVALID_CURSOR' }, 'a cursor is bound to its filters');
  t.equal((await store.findings.query('t-a', { limit: 2, severity: ['high'], cursor: page.cursor })).items.length, 1, 'the same filters continue');
  await t.rejects(store.findings.query('t-a', { cursor: 'garbage!!' }), { code: 'INVALID_CURSOR' });
});

t.test('tenant isolation: queries and forged cursors never reach another tenant', async (t) => {
  const { store } = await openTestStore(t);
  const now = Date.now();
  const series = sampleSeries({ instances: 1, regions: ['us-east-1'], start: T0, end: T0 + 2 * HOUR });
  for (const tenant of ['t-a', 't-b']) {
    await store.results.write(metricsResult(tenant, 'a-1', series));
    await store.results.write(costResult(tenant, 'a-1', { days: 3, endDay: '2026-03-31' }));
    await store.results.write(securityResult(tenant, 'a-1', Array.from({ length: 6 }, (_, i) => finding(`${tenant}-f${i}`, 5, iso(now - i * 1000)))));
  }
  // Same account id under both tenants: the tenant id in the key still separates them.
  const a = await store.findings.query('t-a', { limit: 100 });
  t.ok(a.items.length === 6 && a.items.every((f) => f.id.startsWith('t-a-')));
  t.equal((await store.metrics.query('t-a', { accountId: 'a-1', namespace: 'AWS/EC2', metricName: 'CPUUtilization', from: iso(T0), to: iso(T0 + 2 * HOUR) })).length, 1);
  t.equal((await store.costs.daily('t-a', { start: '2026-03-01', end: '2026-04-01' })).length, 30);

  const pageB = await store.findings.query('t-b', { limit: 2 });
  t.ok(pageB.cursor);
  await t.rejects(store.findings.query('t-a', { limit: 2, cursor: pageB.cursor }), { code: 'INVALID_CURSOR' }, "tenant B's cursor is refused for tenant A");

  // A hand-made cursor pointing into tenant B, with tenant A's binding and the right shape.
  const pageA = await store.findings.query('t-a', { limit: 2 });
  const decoded = JSON.parse(Buffer.from(pageA.cursor ?? '', 'base64url').toString('utf8')) as { k: Record<string, string>; b: string };
  const forged = (k: Record<string, unknown>) => Buffer.from(JSON.stringify({ k, b: decoded.b })).toString('base64url');
  await t.rejects(store.findings.query('t-a', { limit: 2, cursor: forged({ ...decoded.k, pk: 't-b' }) }), { code: 'INVALID_CURSOR' });
  await t.rejects(store.findings.query('t-a', { limit: 2, cursor: forged({ ...decoded.k, pk: 't-a', extra: 'x' }) }), { code: 'INVALID_CURSOR' });
  await t.rejects(store.findings.query('t-a', { limit: 2, cursor: forged({ pk: 't-a', sk: 5, sev: 'x' }) }), { code: 'INVALID_CURSOR' });
  // Shaped right and in tenant A's partition, but aimed at B's keys: it stays inside A.
  const inside = await store.findings.query('t-a', { limit: 100, cursor: forged({ pk: 't-a', sk: 'a-1#t-b-f0', sev: 'open#05.0#9999' }) });
  t.ok(inside.items.every((f) => f.id.startsWith('t-a-')));
  await t.rejects(store.findings.query('t-a#x', {}), { code: 'INVALID_ID' });
});

t.test('watermarks, account status and run records', async (t) => {
  const { store } = await openTestStore(t);
  const tenant = await store.tenants.create({ name: 'W' });
  const account = await store.tenants.addAccount(tenant.id, { name: 'p', awsAccountId: '123456789012', regions: ['us-east-1'], credentials: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/R' } });
  t.equal(await store.results.getWatermark(tenant.id, account.id, 'security'), undefined);
  await store.results.setWatermark(tenant.id, account.id, 'security', '2026-03-10T00:00:00.000Z');
  t.equal(await store.results.getWatermark(tenant.id, account.id, 'security'), '2026-03-10T00:00:00.000Z');
  t.equal(await store.results.getWatermark(tenant.id, account.id, 'metrics'), undefined);
  await store.results.setAccountStatus(tenant.id, account.id, 'credentials_invalid', 'AccessDenied');
  t.match((await store.tenants.get(tenant.id))?.accounts[0], { status: 'credentials_invalid', statusReason: 'AccessDenied' });
  const at = '2026-03-10T00:15:00.000Z';
  const status = {
    tenantId: tenant.id,
    accountId: account.id,
    collector: 'metrics' as const,
    accountRevision: account.revision,
    lastRunAt: at,
    lastDataAt: at,
    steps: [{ step: 'DescribeAlarms@eu-west-1', operation: 'DescribeAlarms', region: 'eu-west-1', lastAttemptAt: at, error: { kind: 'throttled', code: 'Throttling', message: 'x', at } }],
  };
  t.equal(await store.results.getRunStatus(tenant.id, account.id, 'metrics'), undefined, 'never run yet');
  await store.results.putRunStatus(status, undefined);
  t.same(await store.results.getRunStatus(tenant.id, account.id, 'metrics'), status, 'a run status reads back as written');
  await store.results.flush();
  const overview = await store.reads.overview(tenant.id);
  t.match(overview?.runs, [{ accountId: account.id, collector: 'metrics', steps: [{ region: 'eu-west-1', error: { kind: 'throttled' } }] }]);
  t.match(overview?.accounts, [{ id: account.id, status: 'credentials_invalid' }]);
});
