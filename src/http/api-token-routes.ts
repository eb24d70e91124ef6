/**
 * API tokens for scripts (admins): list them (never the secret; the last use shown), create one
 * with a scope (the secret is in the 201 answer only), and revoke one. A script sends it as
 * `Authorization: Bearer cht_…`; it acts as its creator capped at its scope, GET only when read.
 */
import type { ApiTokenRecord } from '../store/index.js';
import type { ApiTokenView, NewApiToken } from './api-types.js';
import { actorOf, recordAudit } from './audit-trail.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, type AnyRoute } from './route-spec.js';
import { apiTokenCreateSchema, idParams } from './schemas.js';

const view = (record: ApiTokenRecord): ApiTokenView => ({
  id: record.id,
  name: record.name,
  scope: record.scope,
  createdAt: record.createdAt,
  ...(record.lastUsedAt ? { lastUsedAt: record.lastUsedAt } : {}),
});

/** The API token routes. */
export function apiTokenRoutes(rc: RouteContext): AnyRoute[] {
  const { store } = rc.deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/tokens',
      summary: "The tenant's API tokens (admins); never their secrets",
      tag: 'settings',
      auth: 'session',
      role: 'admin',
      responses: { 200: 'ApiTokenView[]', 401: 'Problem' },
      async handler(_ctx, { session }) {
        return (await store.apiTokens.list(session.tenantId)).map(view);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tokens',
      summary: 'Create an API token (admins); the secret is in this answer only',
      tag: 'settings',
      auth: 'session',
      role: 'admin',
      body: apiTokenCreateSchema,
      responses: { 201: 'NewApiToken', 400: 'Problem', 401: 'Problem' },
      async handler(ctx, { body, session, user }) {
        const { token, record } = await store.apiTokens.create({ tenantId: session.tenantId, userId: session.userId, name: body.name, scope: body.scope });
        await recordAudit(rc, session.tenantId, { action: 'token.created', actor: actorOf(session, user), target: record.id, ip: ctx.ip, detail: { scope: body.scope } });
        const reply: NewApiToken = { ...view(record), token };
        return reply;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/tokens/:id',
      summary: 'Revoke an API token (admins)',
      tag: 'settings',
      auth: 'session',
      role: 'admin',
      params: idParams('token'),
      responses: { 204: 'No content', 400: 'Problem (VALIDATION_FAILED)', 401: 'Problem', 404: 'Problem (NOT_FOUND)' },
      async handler(ctx, { params, session, user }) {
        if (!(await store.apiTokens.revoke(session.tenantId, params.id))) throw clientError(404, 'NOT_FOUND', 'no such token');
        await recordAudit(rc, session.tenantId, { action: 'token.revoked', actor: actorOf(session, user), target: params.id, ip: ctx.ip });
        return undefined;
      },
    }),
  ];
}
