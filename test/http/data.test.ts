/** The dashboard's reads on real stored data: overview, metrics, costs, findings, recommendations; isolation. */
import t from 'tap';
import { recommendationId } from '../../src/rules/index.js';
import { finding, securityResult } from '../store/fixtures/store.js';
import { startWorld } from './fixtures/harness.js';
import { DAY, dayOf, HOUR, seed } from './fixtures/seed.js';

t.test('overview, metrics, costs, findings and recommendations of a tenant', async (t) => {
  const w = await startWorld(t);
  const { a, b, accountId, costs, today } = await seed(w);
  w.usage.set(a.tenantId, { costExplorerRequests: 8, getMetricDataMetrics: 2000 });
  const collectedAt = new Date(w.clock.now).toISOString();
  await w.store.results.putRunStatus({
    tenantId: a.tenantId,
    accountId,
    collector: 'metrics',
    accountRevision: 1,
    lastRunAt: collectedAt,
    lastDataAt: collectedAt,
    steps: [
      { step: 'DescribeAlarms@us-east-1', operation: 'DescribeAlarms', region: 'us-east-1', lastAttemptAt: collectedAt, lastSuccessAt: collectedAt },
      {
        step: 'GetMetricData@us-east-1',
        operation: 'GetMetricData',
        region: 'us-east-1',
        lastAttemptAt: collectedAt,
        error: { kind: 'permission', code: 'AccessDenied', action: 'cloudwatch:GetMetricData', message: 'cloudwatch GetMetricData in us-east-1 failed: permission (AccessDenied, HTTP 403)', at: collectedAt },
      },
    ],
  }, undefined);
  const now = w.clock.now;
  w.registry.collectorRunEnded(a.tenantId, 'cost', { startedAt: now - 1_000, endedAt: now, nextDueAt: now + 60_000, error: { kind: 'throttled', code: 'LimitExceededException', message: 'throttled', at: now }, accountErrors: { [accountId]: { kind: 'throttled', code: 'LimitExceededException', message: 'throttled', at: now } } });
  // The metrics collector's latest run failed for another account only.
  const siblingError = { kind: 'identity' as const, code: 'AccessDenied', message: 'denied', at: now };
  w.registry.collectorRunEnded(a.tenantId, 'metrics', { startedAt: now - 1_000, endedAt: now, nextDueAt: now + 60_000, error: siblingError, accountErrors: { 'a-some-other-account': siblingError } });
  w.registry.collectorScheduled(a.tenantId, 'metrics', now + 60_000);

  await t.test('overview', async (t) => {
    const reply = await w.request('GET', '/api/overview', { cookie: a.cookie });
    t.equal(reply.status, 200, reply.text);
    const overview = reply.json;
    t.equal(overview.accounts.length, 1);
    const account = overview.accounts[0];
    t.equal(account.account.id, accountId);
    t.match(account.health, { ok: 1, alarm: 1, insufficientData: 1 });
    t.equal(account.health.alarms[0].state, 'ALARM', 'problems first');
    t.same(account.findingsBySeverity, { low: 4, medium: 4, high: 3, critical: 1 }, 'open findings by band (archived not counted)');
    const month = today.slice(0, 7);
    const mtd = costs.daily!.filter((r) => r.day.startsWith(month) && r.day <= today).reduce((s, r) => s + r.amountUsd, 0);
    t.equal(account.cost.monthToDateUsd, Math.round(mtd * 10_000) / 10_000);
    const beforeToday = costs.daily!.filter((r) => r.day.startsWith(month) && r.day < today).reduce((s, r) => s + r.amountUsd, 0);
    t.equal(account.cost.forecastMonthUsd, Math.round((beforeToday + 200) * 10_000) / 10_000, 'actuals before the forecast + the forecast');
    t.equal(account.collectors.metrics.state, 'idle', 'waiting for its next run');
    t.equal(account.collectors.metrics.lastDataAt, collectedAt, 'when the account was last collected, from the store');
    t.equal(account.collectors.metrics.lastSuccessAt, undefined, 'a run with a failed step is not a success');
    t.match(account.collectors.metrics.steps, [
      { step: 'DescribeAlarms@us-east-1', state: 'ok' },
      { step: 'GetMetricData@us-east-1', state: 'failed', error: { kind: 'permission', action: 'cloudwatch:GetMetricData' }, remedy: /Add cloudwatch:GetMetricData/ },
    ]);
    t.equal(account.collectors.cost.lastDataAt, undefined, 'never collected yet');
    t.ok(account.collectors.metrics.nextRunAt);
    t.equal(account.collectors.cost.lastError.code, 'LimitExceededException');
    t.equal(account.collectors.metrics.lastError, undefined, "a sibling account's failure is not shown on this account");
    t.equal(account.collectors.security.state, 'unknown', 'not run by this instance');
    t.ok(overview.topRecommendations.length > 0 && overview.topRecommendations.length <= 5);
    t.ok(overview.topRecommendations.every((r: { status: string }) => r.status === 'open'));
    t.match(overview.monitoringCost, { month, costExplorerRequests: 8, getMetricDataMetrics: 2000, estimatedFeeUsd: 0.1 });
    t.ok(overview.monitoringCost.projectedFeeUsd >= 0.1);
    const other = await w.request('GET', '/api/overview', { cookie: b.cookie });
    t.same(other.json.accounts, [], 'B sees none of it');
    t.same(other.json.topRecommendations, []);
  });

  await t.test('metrics: the catalog, then the points of one series', async (t) => {
    const catalog = await w.request('GET', '/api/metrics', { cookie: a.cookie });
    t.equal(catalog.status, 200, catalog.text);
    t.equal(catalog.json.series.length, 2);
    t.ok(catalog.json.series.every((s: { points: unknown[]; accountId: string }) => s.points.length === 0 && s.accountId === accountId));
    const from = new Date(w.clock.now - 6 * HOUR).toISOString();
    const to = new Date(w.clock.now).toISOString();
    const points = await w.request('GET', `/api/metrics?accountId=${accountId}&metric=CPUUtilization&resourceId=i-idle0001&from=${from}&to=${to}`, { cookie: a.cookie });
    t.equal(points.status, 200, points.text);
    t.equal(points.json.series.length, 1);
    const series = points.json.series[0];
    t.match(series, { accountId, namespace: 'AWS/EC2', metric: 'CPUUtilization', resourceId: 'i-idle0001', stat: 'Average', periodSec: 3600, region: 'us-east-1' });
    t.ok(series.points.length >= 5 && series.points.length <= 7, `${series.points.length} hourly points in 6 h`);
    t.ok(series.points.every((p: { v: number }) => p.v === 1));
    const other = await w.request('GET', '/api/metrics', { cookie: b.cookie });
    t.same(other.json.series, []);
  });

  await t.test('costs', async (t) => {
    const reply = await w.request('GET', '/api/costs', { cookie: a.cookie });
    t.equal(reply.status, 200, reply.text);
    const body = reply.json;
    t.equal(body.daily.length, 60, '30 days x 2 services');
    t.ok(body.daily.every((r: { accountId: string }) => r.accountId === accountId));
    t.equal(body.byService[0].service, 'Amazon EC2');
    t.match(body.forecast, { meanUsd: 200, lowerUsd: 150, upperUsd: 260, start: today });
    t.ok(body.monthToDateUsd > 0);
    // The month's figure is the server's (the dashboard no longer computes it): actuals of the
    // month before the forecast's start plus the forecast, the range the same way, and the same
    // number the overview shows.
    const before = body.daily
      .filter((r: { day: string }) => r.day.startsWith(today.slice(0, 7)) && r.day < today)
      .reduce((sum: number, r: { amountUsd: number }) => sum + r.amountUsd, 0);
    t.equal(body.monthForecast.remainingUsd, 200);
    t.ok(Math.abs(body.monthForecast.meanUsd - (before + 200)) < 0.001, 'mean: actuals before the forecast plus the forecast');
    t.ok(Math.abs(body.monthForecast.lowerUsd - (before + 150)) < 0.001 && Math.abs(body.monthForecast.upperUsd - (before + 260)) < 0.001, 'the likely range');
    const overview = (await w.request('GET', '/api/overview', { cookie: a.cookie })).json;
    t.equal(body.monthForecast.meanUsd, overview.accounts[0].cost.forecastMonthUsd, 'the overview shows the same figure');
    t.same(
      body.spikes.map((s: { day: string; service: string }) => [s.day, s.service]),
      [[dayOf(w.clock.now - DAY), 'Amazon EC2']],
      'yesterday\'s EC2 spike',
    );
    t.ok(body.spikes[0].baselineUsd > 9 && body.spikes[0].baselineUsd < 11);
    const range = await w.request('GET', `/api/costs?from=${dayOf(w.clock.now - 3 * DAY)}&to=${today}&accountId=${accountId}`, { cookie: a.cookie });
    t.equal(range.json.daily.length, 6);
    const other = await w.request('GET', '/api/costs', { cookie: b.cookie });
    t.same(other.json.daily, []);
    t.equal(other.json.forecast, null);
  });

  await t.test('findings: filters and cursor pagination; a cursor does not cross tenants', async (t) => {
    const all = await w.request('GET', '/api/findings', { cookie: a.cookie });
    t.equal(all.json.items.length, 12, 'open ones by default');
    t.same(all.json.items.slice(0, 2).map((f: { severity: number }) => f.severity), [9.5, 8.9], 'most severe first');
    t.notOk(all.json.nextCursor);
    const high = await w.request('GET', '/api/findings?severity=high,critical', { cookie: a.cookie });
    t.same(high.json.items.map((f: { band: string }) => f.band), ['critical', 'high', 'high', 'high']);
    const archived = await w.request('GET', '/api/findings?status=archived', { cookie: a.cookie });
    t.same(archived.json.items.map((f: { id: string; status: string }) => [f.id, f.status]), [['f-archived', 'archived']]);
    const pages: string[] = [];
    let cursor: string | undefined;
    let first: string | undefined;
    do {
      const page = await w.request('GET', `/api/findings?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { cookie: a.cookie });
      t.equal(page.status, 200);
      pages.push(...page.json.items.map((f: { id: string }) => f.id));
      cursor = page.json.nextCursor;
      first ??= cursor;
    } while (cursor);
    t.equal(pages.length, 12);
    t.equal(new Set(pages).size, 12, 'no finding twice across pages');
    const stolen = await w.request('GET', `/api/findings?limit=5&cursor=${encodeURIComponent(first!)}`, { cookie: b.cookie });
    t.equal(stolen.status, 400, 'A\'s cursor is refused for B');
    t.equal(stolen.json.code, 'INVALID_CURSOR');
    const rebound = await w.request('GET', `/api/findings?limit=5&severity=low&cursor=${encodeURIComponent(first!)}`, { cookie: a.cookie });
    t.equal(rebound.status, 400, 'a cursor is bound to its filters');
    const view = all.json.items[0];
    t.same(Object.keys(view).sort(), ['accountId', 'band', 'count', 'createdAt', 'description', 'id', 'region', 'resourceId', 'resourceType', 'severity', 'status', 'title', 'type', 'updatedAt', 'updatedAt'].filter((k, i, l) => l.indexOf(k) === i).sort());
    t.same((await w.request('GET', '/api/findings', { cookie: b.cookie })).json.items, []);
  });

  await t.test('recommendations: computed, dismissed stays dismissed, other tenants cannot touch them', async (t) => {
    const list = await w.request('GET', '/api/recommendations', { cookie: a.cookie });
    t.equal(list.status, 200, list.text);
    const items = list.json.items as { id: string; category: string; status: string; resources: { id: string }[]; impactScore: number }[];
    t.ok(items.some((r) => r.category === 'security'), 'GuardDuty findings');
    t.ok(items.some((r) => r.resources.some((res) => res.id === 'i-idle0001')), 'the idle instance');
    t.ok(items.some((r) => r.id.startsWith('cost-spike-')), 'the spike');
    t.notOk(items.some((r) => r.resources.some((res) => res.id === 'i-busy0002')), 'not the busy one');
    t.ok(items.every((r) => r.status === 'open'));
    t.same(items.map((r) => r.impactScore), [...items.map((r) => r.impactScore)].sort((x, y) => y - x), 'highest impact first');
    const target = items.find((r) => r.category === 'security')!;

    const stolen = await w.request('PATCH', `/api/recommendations/${target.id}`, { cookie: b.cookie, body: { status: 'dismissed' } });
    t.equal(stolen.status, 404, 'B cannot change A\'s recommendation');
    t.same((await w.request('GET', '/api/recommendations', { cookie: b.cookie })).json.items, []);

    const dismissed = await w.request('PATCH', `/api/recommendations/${target.id}`, { cookie: a.cookie, body: { status: 'dismissed' } });
    t.equal(dismissed.status, 200, dismissed.text);
    t.equal(dismissed.json.status, 'dismissed');
    t.equal(dismissed.json.id, target.id);
    // New data arrives and the rules run again: the decision holds.
    await w.store.results.write(securityResult(a.tenantId, accountId, [finding('f-new', 9.9, new Date(w.clock.now).toISOString())]));
    const again = await w.request('GET', '/api/recommendations', { cookie: a.cookie });
    t.equal(again.json.items.find((r: { id: string }) => r.id === target.id).status, 'dismissed');
    t.ok(again.json.items.length > items.length, 'the new finding is there');
    const onlyDismissed = await w.request('GET', '/api/recommendations?status=dismissed', { cookie: a.cookie });
    t.same(onlyDismissed.json.items.map((r: { id: string }) => r.id), [target.id]);
    const unknown = await w.request('PATCH', '/api/recommendations/ec2-rightsize-000000000000000000000000', { cookie: a.cookie, body: { status: 'done' } });
    t.equal(unknown.status, 404);
    const reopened = await w.request('PATCH', `/api/recommendations/${target.id}`, { cookie: a.cookie, body: { status: 'open' } });
    t.equal(reopened.json.status, 'open');
  });

  await t.test('a disconnected account\'s data is no longer shown', async (t) => {
    t.equal((await w.request('DELETE', `/api/accounts/${accountId}`, { cookie: a.cookie })).status, 204);
    const costs = await w.request('GET', '/api/costs', { cookie: a.cookie });
    t.same(costs.json.daily, []);
    t.equal(costs.json.monthToDateUsd, 0);
    t.equal(costs.json.forecast, null);
    t.same((await w.request('GET', '/api/findings', { cookie: a.cookie })).json.items, []);
    t.same((await w.request('GET', '/api/metrics', { cookie: a.cookie })).json.series, []);
    const overview = await w.request('GET', '/api/overview', { cookie: a.cookie });
    t.same(overview.json.accounts, []);
    t.same(overview.json.topRecommendations, []);
  });
});

t.test('a PATCH before any read still finds a recommendation the rules produce', async (t) => {
  const w = await startWorld(t);
  const { a, accountId } = await seed(w);
  // The id of the critical finding's recommendation, derived as the rule derives it; no GET has synced it.
  const id = recommendationId('guardduty-finding', [accountId, 'us-east-1', 'det1', 'f009']);
  const reply = await w.request('PATCH', `/api/recommendations/${id}`, { cookie: a.cookie, body: { status: 'done' } });
  t.equal(reply.status, 200, reply.text);
  t.equal(reply.json.status, 'done');
  t.equal(reply.json.category, 'security');
});
