/**
 * The dashboard's reads: overview, metrics, costs and findings (finding-routes.ts). Every read is scoped to the
 * session's tenant; an account id from the query must be one of that tenant's, and a findings
 * cursor is bound to the tenant and the filters it was issued for (the store checks it).
 */
import { detectCostSpikes, resolveThresholds } from '../rules/index.js';
import { DATA_KINDS, type SeriesDescriptor } from '../store/index.js';
import type { CostsResponse, MetricSeriesView, MetricsResponse } from './api-types.js';
import { findingRoutes } from './finding-routes.js';
import { buildOverview, liveVersions } from './overview.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, type AnyRoute } from './route-spec.js';
import { costsQuerySchema, metricsQuerySchema } from './schemas.js';
import { budgetStatuses, monthForecast, monthsBeyondDaily, monthToDateUsd } from '../insights/index.js';
import { DAY_MS, dayOf, forecasts, ownAccount, recentCosts, sumBy, usd } from './tenant-data.js';

function seriesView(accountId: string, s: SeriesDescriptor & { points?: { t: string; v: number }[] }): MetricSeriesView {
  return {
    accountId,
    region: s.region,
    namespace: s.metric.namespace,
    metric: s.metric.metricName,
    resourceId: s.resourceId,
    stat: s.metric.stat,
    periodSec: s.periodSec,
    points: s.points ?? [],
  };
}

/** The data routes. */
export function dataRoutes(rc: RouteContext): AnyRoute[] {
  const { store } = rc.deps;
  const liveVersion = liveVersions(rc.deps.health.registry, rc.now);
  return [
    defineRoute({
      method: 'get',
      path: '/api/overview',
      summary: 'Health, collectors, findings, cost per account; top recommendations; monitoring cost',
      tag: 'data',
      auth: 'session',
      responses: { 200: 'Overview', 304: 'Not modified (If-None-Match matched the ETag)', 401: 'Problem' },
      // Built from every kind (the billing ledger and recommendations read them all); the collectors' states are live.
      rendered: { kinds: DATA_KINDS, live: (tenant) => liveVersion(tenant.id) },
      handler(_ctx, { tenant, signal }) {
        return buildOverview(rc, tenant, signal);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/metrics',
      summary: 'Without resourceId: the series that can be charted (no points); with accountId, metric and resourceId: the points',
      tag: 'data',
      auth: 'session',
      query: metricsQuerySchema,
      responses: { 200: 'MetricsResponse', 400: 'Problem', 401: 'Problem', 404: 'Problem' },
      async handler(_ctx, { query, tenant, signal }) {
        const now = rc.now();
        const to = query.to ? Date.parse(query.to) : now;
        const from = query.from ? Date.parse(query.from) : to - DAY_MS;
        if (!(from < to) || to - from > 31 * DAY_MS) throw clientError(400, 'INVALID_RANGE', 'from must be before to, at most 31 days apart');
        const accounts = query.accountId ? [ownAccount(tenant, query.accountId)] : tenant.accounts;
        const catalogs = await Promise.all(
          accounts.map(async (account) => ({
            account,
            series: await rc.cached(tenant.id, `metrics:catalog:${account.id}`, (shared) => store.metrics.catalog(tenant.id, account.id, shared), signal),
          })),
        );
        const matches = (s: SeriesDescriptor) =>
          (!query.region || s.region === query.region) &&
          (!query.namespace || s.metric.namespace === query.namespace) &&
          (!query.metric || s.metric.metricName === query.metric) &&
          (!query.resourceId || s.resourceId === query.resourceId);
        let series: MetricSeriesView[];
        if (!query.resourceId) {
          series = catalogs.flatMap(({ account, series: list }) => list.filter(matches).map((s) => seriesView(account.id, s)));
        } else {
          if (!query.accountId || !query.metric) throw clientError(400, 'VALIDATION_FAILED', 'with resourceId, give accountId and metric too');
          const namespace = query.namespace ?? catalogs[0]?.series.find(matches)?.metric.namespace;
          if (!namespace) throw clientError(404, 'NOT_FOUND', 'no such series; give namespace when it is not in the catalog');
          const key = `metrics:points:${JSON.stringify([query.accountId, namespace, query.metric, query.resourceId, from, to])}`;
          const found = await rc.cached(
            tenant.id,
            key,
            (shared) =>
              store.metrics.query(
                tenant.id,
                {
                  accountId: query.accountId!,
                  namespace,
                  metricName: query.metric!,
                  resourceId: query.resourceId!,
                  from: new Date(from).toISOString(),
                  to: new Date(to).toISOString(),
                },
                shared,
              ),
            signal,
          );
          series = found.filter((s) => !query.region || s.region === query.region).map((s) => seriesView(query.accountId!, s));
        }
        const body: MetricsResponse = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), series };
        return body;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/costs',
      summary: 'Daily cost by service and account in [from, to) (default the last 30 days), forecast, month to date, spikes',
      tag: 'data',
      auth: 'session',
      query: costsQuerySchema,
      responses: { 200: 'CostsResponse', 400: 'Problem', 401: 'Problem', 404: 'Problem' },
      async handler(_ctx, { query, tenant, signal }) {
        const now = rc.now();
        const to = query.to ?? dayOf(now + DAY_MS);
        const from = query.from ?? dayOf(Date.parse(`${to}T00:00:00Z`) - 30 * DAY_MS);
        if (query.accountId) ownAccount(tenant, query.accountId);
        // Rows of a disconnected account stay in the store until they expire; they are not shown.
        const current = new Set(tenant.accounts.map((a) => a.id));
        const inAccount = <T extends { accountId: string }>(row: T) => (query.accountId ? row.accountId === query.accountId : current.has(row.accountId));
        const [rows, months, regionRows, regionMonths, recent, allForecasts, allAnomalies] = await Promise.all([
          rc.cached(tenant.id, `costs:range:${from}:${to}`, (shared) => store.costs.daily(tenant.id, { start: from, end: to }, shared), signal),
          rc.cached(tenant.id, `costs:months:${from}:${to}`, (shared) => store.costs.monthly(tenant.id, { start: from.slice(0, 7), end: nextMonth(to) }, shared), signal),
          rc.cached(tenant.id, `costs:regions:${from}:${to}`, (shared) => store.costs.dailyByRegion(tenant.id, { start: from, end: to }, shared), signal),
          rc.cached(tenant.id, `costs:month-regions:${from}:${to}`, (shared) => store.costs.monthlyByRegion(tenant.id, { start: from.slice(0, 7), end: nextMonth(to) }, shared), signal),
          recentCosts(rc, tenant.id, signal),
          forecasts(rc, tenant.id, signal),
          rc.cached(tenant.id, 'costs:anomalies', (shared) => store.costs.anomalies(tenant.id, shared), signal),
        ]);
        const anomalies = allAnomalies
          .filter((a) => inAccount(a) && a.startDay >= from && a.startDay < to)
          .sort((a, b) => b.startDay.localeCompare(a.startDay) || b.impactUsd - a.impactUsd)
          .map((a) => ({
            id: a.id,
            accountId: a.accountId,
            startDay: a.startDay,
            ...(a.endDay ? { endDay: a.endDay } : {}),
            ...(a.service ? { service: a.service } : {}),
            impactUsd: usd(a.impactUsd),
            ...(a.score !== undefined ? { score: a.score } : {}),
            rootCauses: a.rootCauses ?? (a.service ? [{ service: a.service }] : []),
          }));
        const daily = rows.filter(inAccount).map((row) => ({ day: row.day, service: row.service, amountUsd: usd(row.amountUsd), accountId: row.accountId }));
        const monthly = monthsBeyondDaily(daily, months.filter(inAccount), { from, to }).map((row) => ({ ...row, amountUsd: usd(row.amountUsd) }));
        // The region view: the same rule for month history beyond the daily rows, the region in the service's place.
        const regions = regionRows.filter(inAccount).map((row) => ({ day: row.day, region: row.region, amountUsd: usd(row.amountUsd), accountId: row.accountId }));
        const monthlyRegions = monthsBeyondDaily(
          regions.map((r) => ({ day: r.day, service: r.region, amountUsd: r.amountUsd, accountId: r.accountId })),
          regionMonths.filter(inAccount).map((r) => ({ month: r.day.slice(0, 7), service: r.region, amountUsd: r.amountUsd, accountId: r.accountId })),
          { from, to },
        ).map((row) => ({ month: row.month, region: row.service, amountUsd: usd(row.amountUsd), accountId: row.accountId }));
        const byService = [...sumBy([...daily, ...monthly], (row) => row.service, (row) => row.amountUsd)]
          .map(([service, total]) => ({ service, totalUsd: usd(total) }))
          .sort((a, b) => b.totalUsd - a.totalUsd || a.service.localeCompare(b.service));
        const own = allForecasts.filter(inAccount);
        const thresholds = resolveThresholds({});
        const accountIds = query.accountId ? [query.accountId] : tenant.accounts.map((a) => a.id);
        const spikes = accountIds
          .flatMap((accountId) =>
            detectCostSpikes({ accountId, now: new Date(now), dailyCosts: recent.rows.filter((row) => row.accountId === accountId) }, thresholds),
          )
          .filter((spike) => spike.day >= from && spike.day < to)
          .map((spike) => ({ day: spike.day, service: spike.service, amountUsd: usd(spike.amountUsd), baselineUsd: usd(spike.meanUsd) }));
        const body: CostsResponse = {
          from,
          to,
          daily,
          monthly,
          regions,
          monthlyRegions,
          byService,
          forecast:
            own.length === 0
              ? null
              : {
                  start: own.map((f) => f.start).sort()[0] ?? '',
                  end: own.map((f) => f.end).sort().at(-1) ?? '',
                  meanUsd: usd(own.reduce((sum, f) => sum + f.meanUsd, 0)),
                  ...(own.every((f) => f.lowerUsd !== undefined) ? { lowerUsd: usd(own.reduce((sum, f) => sum + (f.lowerUsd ?? 0), 0)) } : {}),
                  ...(own.every((f) => f.upperUsd !== undefined) ? { upperUsd: usd(own.reduce((sum, f) => sum + (f.upperUsd ?? 0), 0)) } : {}),
                },
          monthToDateUsd: usd(monthToDateUsd(recent.rows.filter(inAccount), now)),
          monthForecast: monthForecast(
            accountIds.map((accountId) => ({ dailyCosts: recent.rows.filter((row) => row.accountId === accountId), forecast: own.find((f) => f.accountId === accountId) })),
            now,
          ),
          spikes,
          anomalies,
          budgets: budgetStatuses({
            now,
            tenantBudgetUsd: tenant.settings.monthlyBudgetUsd,
            // The tenant's budget covers every account: not shown against one account's figures.
            withTenant: !query.accountId,
            accounts: tenant.accounts
              .filter((a) => accountIds.includes(a.id))
              .map((a) => ({ id: a.id, monthlyBudgetUsd: a.monthlyBudgetUsd, dailyCosts: recent.rows.filter((row) => row.accountId === a.id), forecast: own.find((f) => f.accountId === a.id) })),
          }),
        };
        return body;
      },
    }),
    ...findingRoutes(rc),
  ];
}

/** The month after the one `day` (YYYY-MM-DD) falls in, as YYYY-MM: the exclusive end of a month query. */
function nextMonth(day: string): string {
  const [y, m] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m!, 1)).toISOString().slice(0, 7);
}
