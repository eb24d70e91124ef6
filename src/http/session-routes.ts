/**
 * The signed-in user's sessions: list them, end one, or end every other ("sign out everywhere"),
 * across all their organizations; and switching the current organization.
 */
import type { SessionsEnded, SessionView } from './api-types.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, type AnyRoute } from './route-spec.js';
import { idParams, organizationSwitchSchema } from './schemas.js';
import { readCookie, SESSION_COOKIE } from './session-cookie.js';
import { homeOf, startSession } from './session-start.js';

/** The session routes. */
export function sessionRoutes(rc: RouteContext): AnyRoute[] {
  const { store } = rc.deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/auth/sessions',
      summary: "The user's signed-in sessions, newest first",
      tag: 'auth',
      auth: 'session',
      responses: { 200: 'SessionView[]', 401: 'Problem' },
      async handler(_ctx, { session }) {
        const sessions = await store.sessions.listForUser(homeOf(session), session.userId);
        const views: SessionView[] = sessions.map((s) => ({
          id: s.id,
          createdAt: s.createdAt,
          expiresAt: s.expiresAt,
          ...(s.userAgent ? { userAgent: s.userAgent } : {}),
          current: s.id === session.sessionId,
        }));
        return views;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/auth/sessions',
      summary: 'Sign out everywhere else: end every session of the user but this one',
      tag: 'auth',
      auth: 'session',
      role: 'viewer',
      responses: { 200: 'SessionsEnded', 401: 'Problem' },
      async handler(_ctx, { session }) {
        const sessionsEnded = await store.sessions.revokeAllForUser(homeOf(session), session.userId, session.sessionId);
        rc.deps.log.info({ tenant: session.tenantId, user: session.userId, sessionsEnded }, 'signed out everywhere else');
        const body: SessionsEnded = { sessionsEnded };
        return body;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/auth/sessions/:id',
      summary: 'End one of the user’s sessions',
      tag: 'auth',
      auth: 'session',
      role: 'viewer',
      params: idParams('session'),
      responses: { 204: 'No content', 400: 'Problem (VALIDATION_FAILED)', 401: 'Problem', 404: 'Problem (NOT_FOUND)' },
      async handler(_ctx, { params, session }) {
        const ended = await store.sessions.revokeById(homeOf(session), session.userId, params.id);
        if (!ended) throw clientError(404, 'NOT_FOUND', 'no such session');
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/switch',
      summary: 'Make another of the user’s organizations the current one: a new session there replaces this one',
      tag: 'auth',
      auth: 'session',
      role: 'viewer',
      body: organizationSwitchSchema,
      responses: { 200: 'Me', 400: 'Problem', 401: 'Problem', 404: 'Problem (NOT_FOUND)' },
      async handler(ctx, { body, session }) {
        // Membership is checked in the target tenant's own partition: an id of a tenant the user
        // is not in answers like one that does not exist.
        const member = await store.users.get(body.tenantId, session.userId);
        if (!member) throw clientError(404, 'NOT_FOUND', 'no such organization');
        if (!readCookie(ctx.get('cookie'), SESSION_COOKIE)) throw clientError(401, 'UNAUTHENTICATED', 'sign in first');
        return startSession(rc, ctx, member, body.tenantId, { action: 'auth.organization_switched', detail: { from: session.tenantId } });
      },
    }),
  ];
}
