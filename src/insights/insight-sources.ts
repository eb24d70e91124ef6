/**
 * What derived figures are computed from: the store's repositories (narrowed to the reads they
 * make), the clock, the rules' thresholds, and optionally the store's read cache. The API, the
 * refresher and mail pass the same store, so they share cached reads.
 */
import type { RuleThresholds } from '../rules/index.js';
import type { CostRepository, FindingRepository, MetricsRepository, RecommendationRepository, SuppressionRules, TenantReads } from '../store/index.js';

/**
 * Read-through cache of one tenant's query results (the store's `TenantCache.read`). `signal`
 * stops the caller waiting; the shared load gets a signal aborted only when all its callers left.
 */
export type CachedRead = <T>(tenantId: string, key: string, load: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal) => Promise<T>;

/** Every source a derived figure may read; each function picks what it needs. */
export interface InsightSources {
  costs: Pick<CostRepository, 'daily' | 'forecasts' | 'rightsizing'>;
  metrics: Pick<MetricsRepository, 'query'>;
  findings: Pick<FindingRepository, 'query'> & { suppressions: Pick<SuppressionRules, 'list'> };
  recommendations: Pick<RecommendationRepository, 'list' | 'sync'>;
  /** Alarm states and collector runs of the tenant's current accounts. */
  reads: Pick<TenantReads, 'overview'>;
  now(): number;
  /** Default: no caching (each read goes to the store). */
  cached?: CachedRead;
  /** Rule thresholds (defaults in `DEFAULT_THRESHOLDS`). */
  thresholds?: Partial<RuleThresholds>;
}

/** The tenant as derived figures need it (a stored tenant and the API's view both fit). */
export interface InsightTenant {
  id: string;
  accounts: readonly { id: string; monthlyBudgetUsd?: number }[];
  settings: { monthlyBudgetUsd?: number };
}

/** What the cost reads need (the cost alerts have no more). */
export type CostSources = { costs: Pick<CostRepository, 'daily' | 'forecasts'> } & Pick<InsightSources, 'now' | 'cached' | 'thresholds'>;

/** `sources.cached` or a direct load (which then gets the caller's `signal` itself). */
export function cachedRead<T>(sources: Pick<InsightSources, 'cached'>, tenantId: string, key: string, load: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
  return sources.cached ? sources.cached(tenantId, key, load, signal) : load(signal);
}

/** The store's parts `insightSources` reads (main passes the `Store` itself). */
export type InsightStore = Pick<InsightSources, 'costs' | 'metrics' | 'findings' | 'recommendations' | 'reads'> & { cache: { read: CachedRead } };

/** Sources over a store, reading through its cache. */
export function insightSources(store: InsightStore, now: () => number = Date.now, thresholds?: Partial<RuleThresholds>): InsightSources {
  return {
    costs: store.costs,
    metrics: store.metrics,
    findings: store.findings,
    recommendations: store.recommendations,
    reads: store.reads,
    now,
    cached: (tenantId, key, load, signal) => store.cache.read(tenantId, key, load, signal),
    ...(thresholds ? { thresholds } : {}),
  };
}
