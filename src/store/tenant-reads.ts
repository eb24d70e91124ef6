/**
 * The reads the tenant API makes, each scoped to one tenant and served through the cache
 * (read-through with a TTL; any write for the tenant makes them stale at once). Everything
 * returned is plain JSON.
 */
import type { DailyCost, MetricSeries, SeverityBand } from '../domain/records.js';
import type { AccountStatus } from '../domain/tenant.js';
import type { TenantCache } from './cache/tenant-cache.js';
import type { CostRepository } from './cost-repository.js';
import type { FindingPage, FindingQuery, FindingRepository } from './finding-repository.js';
import type { SeriesDescriptor } from './metric-items.js';
import type { MetricQuery, MetricsRepository } from './metrics-repository.js';
import type { Recommendation, RecommendationRepository, RecommendationStatus } from './recommendation-repository.js';
import type { AlarmSnapshot, ComplianceSnapshot, HealthSnapshot, RunRecord, StateRepository } from './state-repository.js';
import type { TenantRepository } from './tenant-repository.js';

/** What the overview page is computed from. */
export interface OverviewInputs {
  tenant: { id: string; name: string; revision: number };
  accounts: { id: string; name: string; awsAccountId: string; regions: string[]; status: AccountStatus; statusReason?: string }[];
  /** Latest alarm states per account and region. */
  alarms: AlarmSnapshot[];
  /** Last run of each collector per account. */
  runs: RunRecord[];
  /** AWS Health events per account. */
  health: HealthSnapshot[];
  /** Security Hub standards per account and region. */
  compliance: ComplianceSnapshot[];
  costs: {
    /** This UTC month so far, all accounts. */
    monthToDateUsd: number;
    /** The previous UTC month, all accounts. */
    previousMonthUsd: number;
    /** Sum of the accounts' latest forecasts. */
    forecastUsd: number | undefined;
  };
  findings: { open: Record<SeverityBand, number> };
  recommendations: { open: number; monthlySavingUsd: number };
}

export interface TenantReads {
  metrics(tenantId: string, query: MetricQuery): Promise<MetricSeries[]>;
  metricCatalog(tenantId: string, accountId: string): Promise<SeriesDescriptor[]>;
  /** Daily cost by service in [start, end) plus the latest forecast per account. */
  costs(
    tenantId: string,
    range: { start: string; end: string; accountId?: string },
  ): Promise<{ daily: DailyCost[]; forecasts: Awaited<ReturnType<CostRepository['forecasts']>> }>;
  findings(tenantId: string, query: FindingQuery): Promise<FindingPage>;
  recommendations(tenantId: string, filter?: { status?: RecommendationStatus }): Promise<Recommendation[]>;
  overview(tenantId: string): Promise<OverviewInputs | undefined>;
}

export interface TenantReadsDeps {
  cache: TenantCache;
  tenants: TenantRepository;
  metrics: MetricsRepository;
  costs: CostRepository;
  findings: FindingRepository;
  recommendations: RecommendationRepository;
  state: StateRepository;
  now?: () => number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Create the cached tenant reads. */
export function createTenantReads(deps: TenantReadsDeps): TenantReads {
  const { cache } = deps;
  const now = deps.now ?? Date.now;
  const key = (name: string, args: unknown) => `${name}:${JSON.stringify(args)}`;

  async function overview(tenantId: string): Promise<OverviewInputs | undefined> {
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant) return undefined;
    const at = new Date(now());
    const monthStart = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
    const previousStart = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1);
    const [state, rows, forecasts, open, recommendations] = await Promise.all([
      deps.state.snapshot(tenantId),
      deps.costs.daily(tenantId, { start: day(previousStart), end: day(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1)) }),
      deps.costs.forecasts(tenantId),
      deps.findings.openCounts(tenantId),
      deps.recommendations.list(tenantId, { status: 'open' }),
    ]);
    const current = new Set(tenant.accounts.map((a) => a.id));
    const monthDay = day(monthStart);
    const sum = (from: string, to: string) =>
      rows.filter((r) => r.day >= from && r.day < to && current.has(r.accountId)).reduce((total, r) => total + r.amountUsd, 0);
    const liveForecasts = forecasts.filter((f) => current.has(f.accountId));
    return {
      tenant: { id: tenant.id, name: tenant.name, revision: tenant.revision },
      accounts: tenant.accounts.map((a) => ({
        id: a.id,
        name: a.name,
        awsAccountId: a.awsAccountId,
        regions: a.regions,
        status: a.status,
        ...(a.statusReason ? { statusReason: a.statusReason } : {}),
      })),
      // A removed account's leftovers are not shown.
      alarms: state.alarms.filter((s) => current.has(s.accountId)),
      runs: state.runs.filter((r) => current.has(r.accountId)),
      health: state.health.filter((h) => current.has(h.accountId)),
      compliance: state.compliance.filter((c) => current.has(c.accountId)),
      costs: {
        monthToDateUsd: sum(monthDay, '9999'),
        previousMonthUsd: sum(day(previousStart), monthDay),
        forecastUsd: liveForecasts.length ? liveForecasts.reduce((total, f) => total + f.meanUsd, 0) : undefined,
      },
      findings: { open },
      recommendations: {
        open: recommendations.length,
        monthlySavingUsd: recommendations.reduce((total, r) => total + (r.monthlySavingUsd ?? 0), 0),
      },
    };
  }

  return {
    metrics: (tenantId, query) => cache.read(tenantId, key('metrics', query), () => deps.metrics.query(tenantId, query)),
    metricCatalog: (tenantId, accountId) => cache.read(tenantId, key('catalog', accountId), () => deps.metrics.catalog(tenantId, accountId)),
    costs: (tenantId, range) =>
      cache.read(tenantId, key('costs', range), async () => {
        const [daily, forecasts] = await Promise.all([deps.costs.dailyByService(tenantId, range), deps.costs.forecasts(tenantId)]);
        return { daily, forecasts: range.accountId ? forecasts.filter((f) => f.accountId === range.accountId) : forecasts };
      }),
    findings: (tenantId, query) => cache.read(tenantId, key('findings', query), () => deps.findings.query(tenantId, query)),
    recommendations: (tenantId, filter = {}) =>
      cache.read(tenantId, key('recommendations', filter), () => deps.recommendations.list(tenantId, filter)),
    overview: (tenantId) => cache.read(tenantId, 'overview', () => overview(tenantId)),
  };
}
