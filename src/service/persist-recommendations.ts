/**
 * Evaluate and persist one tenant's recommendations outside a request, through the one path
 * that computes them (src/insights: the rules' input read from the store, `evaluateRules`, then
 * `store.recommendations.sync`).
 */
import { insightSources, refreshRecommendations, type InsightStore } from '../insights/index.js';
import type { Store } from '../store/index.js';

/** What the evaluation reads and writes. */
export type RecommendationStore = InsightStore & Pick<Store, 'tenants'>;

/** A function that persists a tenant's current recommendations; a tenant that no longer exists is skipped. */
export function persistRecommendations(store: RecommendationStore, now: () => number = Date.now): (tenantId: string) => Promise<void> {
  const sources = insightSources(store, now);
  return async (tenantId) => {
    const tenant = await store.tenants.get(tenantId);
    if (tenant) await refreshRecommendations(sources, tenant);
  };
}
