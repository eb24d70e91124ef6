/**
 * Metric selection, a budget decision per account: which catalog services and metrics are
 * fetched, which custom metrics are added (picked from what ListMetrics shows, which is free),
 * and what that costs a month in GetMetricData fees — shown before saving (preview) and after.
 * Every route is scoped to the session's tenant; an account id of another tenant is unknown (404).
 */
import { monthlyFeeUsd, projectFee, tierIntervalMs } from '../aws/metric-selection.js';
import { AppError, AwsCallError } from '../domain/errors.js';
import type { MetricSelection } from '../domain/tenant.js';
import type { MetricBrowserResponse, MetricSelectionView } from './api-types.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, type AnyRoute } from './route-spec.js';
import { idParams, metricBrowserQuerySchema, metricSelectionSchema } from './schemas.js';
import { ownAccount } from './tenant-data.js';
import type { TenantAccount, TenantView } from './tenant-view.js';

const DEFAULT_INTERVAL_MS = 15 * 60_000;
const BROWSE_LIMIT = 500;
const DISCOVERY_TIMEOUT_MS = 20_000;
const accountParams = idParams('account');

/** AWS failures are the tenant's account's state, not our bug: 502 with the classified kind, never AWS's text. */
function awsProblem(error: unknown): never {
  if (error instanceof AwsCallError) throw clientError(502, 'AWS_CALL_FAILED', `CloudWatch ${error.awsCode ?? ''} (${error.kind}) for this account`.replace('  ', ' '));
  throw error;
}

function normalized(selection: MetricSelection | undefined): MetricSelectionView['selection'] {
  return {
    disabledServices: [...new Set(selection?.disabledServices ?? [])].sort(),
    disabledMetrics: [...new Set(selection?.disabledMetrics ?? [])].sort(),
    custom: (selection?.custom ?? []).map((c) => ({ ...c, dimensions: c.dimensions.map((d) => ({ ...d })) })),
  };
}

/** The metric-selection routes. */
export function metricSelectionRoutes(rc: RouteContext): AnyRoute[] {
  const intervalOf = (tenant: TenantView) => tenant.settings.intervalsMs?.metrics ?? rc.deps.metricsIntervalMs ?? DEFAULT_INTERVAL_MS;
  const discovery = () => {
    if (!rc.deps.metricDiscovery) throw clientError(503, 'UNAVAILABLE', 'metric discovery is not available');
    return rc.deps.metricDiscovery;
  };

  async function view(tenant: TenantView, account: TenantAccount, selection: MetricSelection | undefined): Promise<MetricSelectionView> {
    // Discovery is free but takes a ListMetrics call per service and region: reuse it for 10 minutes.
    const bucket = Math.floor(rc.now() / 600_000);
    const discovered = await rc
      .cached(tenant.id, `metric-discovery:${account.id}:${account.revision}:${bucket}`, () => discovery().discover(tenant.id, account.id, AbortSignal.timeout(DISCOVERY_TIMEOUT_MS)))
      .catch(awsProblem);
    const projection = projectFee(discovered, selection, intervalOf(tenant));
    return { accountId: account.id, ...projection, selection: normalized(selection) };
  }

  function checked(body: MetricSelection, account: TenantAccount): MetricSelection {
    for (const custom of body.custom ?? []) {
      if (!account.regions.includes(custom.region)) throw clientError(400, 'REGION_NOT_MONITORED', `region ${custom.region} is not one of the account's regions`);
    }
    return normalized(body);
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/accounts/:id/metric-selection',
      summary: 'The account\'s catalog services and metrics, which are on, its custom metrics and the monthly GetMetricData fee of each',
      tag: 'accounts',
      auth: 'session',
      params: accountParams,
      responses: { 200: 'MetricSelectionView', 401: 'Problem', 404: 'Problem', 502: 'Problem (AWS_CALL_FAILED)', 503: 'Problem' },
      async handler(_ctx, { params, tenant }) {
        const account = ownAccount(tenant, params.id);
        return view(tenant, account, account.metrics);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/accounts/:id/metric-selection/preview',
      summary: 'What a selection would cost a month, without saving it',
      tag: 'accounts',
      auth: 'session',
      params: accountParams,
      body: metricSelectionSchema,
      responses: { 200: 'MetricSelectionView', 400: 'Problem', 401: 'Problem', 404: 'Problem', 502: 'Problem (AWS_CALL_FAILED)', 503: 'Problem' },
      async handler(_ctx, { body, params, tenant }) {
        const account = ownAccount(tenant, params.id);
        return view(tenant, account, checked(body, account));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/accounts/:id/metric-selection',
      summary: 'Save the selection; it applies at the next poll',
      tag: 'accounts',
      auth: 'session',
      params: accountParams,
      body: metricSelectionSchema,
      responses: { 200: 'MetricSelectionView', 400: 'Problem', 401: 'Problem', 404: 'Problem', 502: 'Problem (AWS_CALL_FAILED)', 503: 'Problem' },
      async handler(_ctx, { body, params, tenant }) {
        const account = ownAccount(tenant, params.id);
        const selection = checked(body, account);
        try {
          await rc.deps.store.tenants.updateAccount(tenant.id, account.id, { metrics: selection });
        } catch (error) {
          if (error instanceof AppError && error.code === 'NOT_FOUND') throw clientError(404, 'NOT_FOUND', 'no such account');
          throw error;
        }
        rc.deps.onTenantChanged(tenant.id);
        return view(tenant, account, selection);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/accounts/:id/metric-browser',
      summary: 'What ListMetrics shows in one of the account\'s regions (free), to pick custom metrics from, with the fee one adds',
      tag: 'accounts',
      auth: 'session',
      params: accountParams,
      query: metricBrowserQuerySchema,
      responses: { 200: 'MetricBrowserResponse', 400: 'Problem', 401: 'Problem', 404: 'Problem', 502: 'Problem (AWS_CALL_FAILED)', 503: 'Problem' },
      async handler(_ctx, { query, params, tenant }) {
        const account = ownAccount(tenant, params.id);
        if (!account.regions.includes(query.region)) throw clientError(400, 'REGION_NOT_MONITORED', `region ${query.region} is not one of the account's regions`);
        const found = await discovery()
          .browse(tenant.id, account.id, query.region, query.namespace, BROWSE_LIMIT + 1, AbortSignal.timeout(DISCOVERY_TIMEOUT_MS))
          .catch(awsProblem);
        const body: MetricBrowserResponse = {
          region: query.region,
          ...(query.namespace ? { namespace: query.namespace } : {}),
          metrics: found.slice(0, BROWSE_LIMIT),
          monthlyFeeUsdPerMetric: Math.round(monthlyFeeUsd(tierIntervalMs(intervalOf(tenant), false)) * 10_000) / 10_000,
          truncated: found.length > BROWSE_LIMIT,
        };
        return body;
      },
    }),
  ];
}
