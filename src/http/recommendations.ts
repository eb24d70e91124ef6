/**
 * The API's view of recommendations: computed and stored below http (src/insights); this only
 * narrows the types to the API's.
 */
import { currentRecommendations as current, storedRecommendation } from '../insights/index.js';
import type { Recommendation as StoredRecommendation } from '../store/index.js';
import type { RecommendationView } from './api-types.js';
import type { RouteContext } from './route-context.js';
import type { TenantView } from './tenant-view.js';

/** The tenant's current recommendations with their statuses, highest impact first. Never writes. `signal`: the request's. */
export function currentRecommendations(rc: Pick<RouteContext, 'insights'>, tenant: TenantView, signal?: AbortSignal): Promise<RecommendationView[]> {
  return current(rc.insights, tenant, signal);
}

/** A stored recommendation the rules no longer produce, as well as the store remembers it. */
export function storedView(stored: StoredRecommendation): RecommendationView {
  return storedRecommendation(stored);
}
