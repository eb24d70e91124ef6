/**
 * Evaluate and persist one tenant's recommendations outside a request, through the http layer's
 * own path (`currentRecommendations`: rules input read from the store, `evaluateRules`, then
 * `store.recommendations.sync`), so there is one place that assembles the rules' input.
 *
 * ADAPTER: that function takes a route context but reads only its store, clock and cache; this
 * passes exactly those. When http narrows its parameter to such a type, drop the cast.
 */
import type { AppStore } from '../http/index.js';
import { currentRecommendations } from '../http/recommendations.js';
import type { RouteContext } from '../http/route-context.js';
import type { Store } from '../store/index.js';

/** What the evaluation reads and writes. */
export type RecommendationStore = AppStore & Pick<Store, 'tenants' | 'cache'>;

/** A function that persists a tenant's current recommendations; a tenant that no longer exists is skipped. */
export function persistRecommendations(store: RecommendationStore, now: () => number = Date.now): (tenantId: string) => Promise<void> {
  const context: Pick<RouteContext, 'now' | 'cached'> & { deps: Pick<RouteContext['deps'], 'store'> } = {
    deps: { store },
    now,
    cached: (tenantId, key, load) => store.cache.read(tenantId, key, load),
  };
  return async (tenantId) => {
    const tenant = await store.tenants.get(tenantId);
    if (tenant) await currentRecommendations(context as RouteContext, tenant);
  };
}
