/**
 * GET /api/recommendations and PATCH /api/recommendations/:id {status}. The status is stored
 * under the session's tenant: an id of another tenant's recommendation is unknown here (404).
 * The GET only reads (src/insights computes; the refresher persists).
 */
import { refreshRecommendations } from '../insights/index.js';
import type { RecommendationsResponse, RecommendationView } from './api-types.js';
import { clientError } from './problem.js';
import { currentRecommendations, storedView } from './recommendations.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, type AnyRoute } from './route-spec.js';
import { recommendationParamsSchema, recommendationPatchSchema, recommendationsQuerySchema } from './schemas.js';

const notFound = () => clientError(404, 'NOT_FOUND', 'no such recommendation');

/** The recommendation routes. */
export function recommendationRoutes(rc: RouteContext): AnyRoute[] {
  const store = rc.deps.store.recommendations;
  return [
    defineRoute({
      method: 'get',
      path: '/api/recommendations',
      summary: 'Recommendations from the rules with their statuses, highest impact first (optionally of one status)',
      tag: 'data',
      auth: 'session',
      query: recommendationsQuerySchema,
      responses: { 200: 'RecommendationsResponse', 401: 'Problem' },
      async handler(_ctx, { query, tenant, signal }) {
        const items = await currentRecommendations(rc, tenant, signal);
        const body: RecommendationsResponse = { items: query.status ? items.filter((r) => r.status === query.status) : items };
        return body;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/recommendations/:id',
      summary: 'Mark a recommendation open, done or dismissed (a dismissed one stays dismissed when it recurs)',
      tag: 'data',
      auth: 'session',
      params: recommendationParamsSchema,
      body: recommendationPatchSchema,
      responses: { 200: 'RecommendationView', 400: 'Problem', 401: 'Problem', 404: 'Problem (NOT_FOUND)' },
      async handler(_ctx, { body, params: { id }, tenant }) {
        let updated = await store.setStatus(tenant.id, id, body.status);
        if (!updated) {
          // Not stored yet (the refresher persists after collection): a write, so this may store them.
          const current = await currentRecommendations(rc, tenant);
          if (!current.some((r) => r.id === id)) throw notFound();
          await refreshRecommendations(rc.insights, tenant);
          updated = await store.setStatus(tenant.id, id, body.status);
          if (!updated) throw notFound();
        }
        const fresh = (await currentRecommendations(rc, tenant)).find((r) => r.id === id);
        const view: RecommendationView = fresh ?? storedView(updated);
        return view;
      },
    }),
  ];
}
