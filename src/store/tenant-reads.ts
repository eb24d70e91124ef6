/**
 * The reads the tenant API makes, each scoped to one tenant and served through the cache
 * (read-through with a TTL; any write for the tenant makes them stale at once). Everything
 * returned is plain JSON.
 */
import type { DailyCost, MetricSeries } from '../domain/records.js';
import type { AccountStatus } from '../domain/tenant.js';
import type { TenantCache } from './cache/tenant-cache.js';
import type { CostRepository } from './cost-repository.js';
import type { FindingPage, FindingQuery, FindingRepository } from './finding-repository.js';
import type { SeriesDescriptor } from './metric-items.js';
import type { MetricQuery, MetricsRepository } from './metrics-repository.js';
import type { Recommendation, RecommendationRepository, RecommendationStatus } from './recommendation-repository.js';
import type { AlarmSnapshot, ComplianceSnapshot, HealthSnapshot, RunRecord, StateRepository } from './state-repository.js';
import type { TenantRepository } from './tenant-repository.js';

/** What the overview page reads of the tenant's state (its figures are derived in src/insights). */
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
  overview(tenantId: string, signal?: AbortSignal): Promise<OverviewInputs | undefined>;
}

export interface TenantReadsDeps {
  cache: TenantCache;
  tenants: TenantRepository;
  metrics: MetricsRepository;
  costs: CostRepository;
  findings: FindingRepository;
  recommendations: RecommendationRepository;
  state: StateRepository;
}

/** Create the cached tenant reads. */
export function createTenantReads(deps: TenantReadsDeps): TenantReads {
  const { cache } = deps;
  const key = (name: string, args: unknown) => `${name}:${JSON.stringify(args)}`;

  async function overview(tenantId: string, signal?: AbortSignal): Promise<OverviewInputs | undefined> {
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant) return undefined;
    const state = await deps.state.snapshot(tenantId, signal);
    const current = new Set(tenant.accounts.map((a) => a.id));
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
    overview: (tenantId, signal) => cache.read(tenantId, 'overview', (shared) => overview(tenantId, shared), signal),
  };
}
