/**
 * Writing the audit trail from http. `recordAudit` writes one entry (a failure is logged, never
 * fails the request it describes). `auditMiddleware` records every successful state-changing
 * request of a signed-in user from the route it matched, so a route added later (the lead's
 * account routes) is audited without code of its own; routes that record richer entries
 * themselves (sign-in) are not in the table.
 */
import type Koa from 'koa';
import type { AuditActor, NewAuditEntry } from '../store/index.js';
import type { RouteContext } from './route-context.js';
import type { AppState, SessionState } from './route-spec.js';

/** `METHOD route` -> the action name; anything unsafe not listed is recorded as `request`. */
const ACTIONS: Readonly<Record<string, string | null>> = Object.freeze({
  'POST /api/accounts': 'account.connected',
  'PATCH /api/accounts/:id': 'account.updated',
  'DELETE /api/accounts/:id': 'account.removed',
  'POST /api/accounts/:id/check': 'account.checked',
  'PUT /api/accounts/:id/budget': 'account.budget_changed',
  'PUT /api/accounts/:id/metric-selection': 'account.metrics_selected',
  'POST /api/findings/suppressions': 'finding.suppression_added',
  'DELETE /api/findings/suppressions/:id': 'finding.suppression_removed',
  'PUT /api/settings': 'settings.changed',
  'PATCH /api/recommendations/:id': 'recommendation.updated',
  'POST /api/auth/password': 'auth.password_changed',
  'DELETE /api/auth/sessions': 'auth.signed_out_everywhere',
  'DELETE /api/auth/sessions/:id': 'auth.session_ended',
  'POST /api/auth/mfa/enrol': 'auth.mfa_enrolment_started',
  // changes nothing: a dry run of a metric selection's cost
  'POST /api/accounts/:id/metric-selection/preview': null,
  // recorded by their handlers, with what only they know
  'POST /api/members': null,
  'POST /api/tokens': null,
  'DELETE /api/tokens/:id': null,
  'POST /api/channels': null,
  'DELETE /api/channels/:id': null,
  'POST /api/channels/:id/test': null,
  'PATCH /api/members/:id': null,
  'DELETE /api/members/:id': null,
  'POST /api/auth/login': null,
  'POST /api/auth/logout': null,
  'POST /api/auth/login/mfa': null,
  'POST /api/auth/mfa/confirm': null,
  'POST /api/auth/mfa/disable': null,
  'PUT /api/auth/mfa/required': null,
  'POST /api/auth/switch': null,
  // the tenant and its trail's readers are gone; logged for the operator instead
  'POST /api/tenant/delete': null,
});

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Who acts in a request: the signed-in user, and the API token when the request carried one, so
 * the trail tells a script's changes from its creator's own (and which token to revoke).
 */
export function actorOf(session: Pick<SessionState, 'userId' | 'apiToken'>, user?: { email: string }): AuditActor {
  return {
    kind: 'user',
    userId: session.userId,
    ...(user ? { email: user.email } : {}),
    ...(session.apiToken ? { tokenId: session.apiToken.id, tokenName: session.apiToken.name } : {}),
  };
}

/** Record one entry for `tenantId`; never throws. */
export async function recordAudit(rc: RouteContext, tenantId: string, entry: NewAuditEntry): Promise<void> {
  try {
    await rc.deps.store.audit.record(tenantId, entry);
  } catch (error) {
    rc.deps.log.warn({ err: error, tenant: tenantId, action: entry.action }, 'audit entry not written');
  }
}

/**
 * Record an event of a person's sign-in identity (a failed sign-in, a password reset) in the trail
 * of every organization they belong to now: each of those the identity can act in, and not the
 * one they signed up in once they have left it (its admins no longer have a say over them).
 */
export async function recordForIdentity(
  rc: RouteContext,
  identity: { id: string; tenantId: string; homeTenantId?: string | undefined },
  entry: NewAuditEntry,
): Promise<void> {
  const memberships = await rc.deps.store.users.listMemberships(identity.homeTenantId ?? identity.tenantId, identity.id).catch((error: unknown) => {
    rc.deps.log.warn({ err: error, user: identity.id, action: entry.action }, 'memberships not read for the audit trail');
    return [];
  });
  await Promise.all(memberships.map((m) => recordAudit(rc, m.tenantId, entry)));
}

/** Record successful state-changing requests of signed-in users (mount before the router). */
export function auditMiddleware(rc: RouteContext): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    // A read is never audited: no await, no hop after it.
    if (!UNSAFE.has(ctx.method)) return next();
    await next();
    const session = ctx.state.session;
    const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
    if (!session || ctx.status >= 400 || typeof route !== 'string') return;
    const key = `${ctx.method} ${route}`;
    const action = key in ACTIONS ? (ACTIONS[key] ?? null) : 'request';
    if (action === null) return;
    const params = (ctx as { params?: Record<string, string> }).params ?? {};
    const body = ctx.state.body;
    const created = ctx.body && typeof ctx.body === 'object' && 'id' in ctx.body && ctx.status === 201 ? String((ctx.body as { id: unknown }).id) : undefined;
    const target = params.id ?? created;
    // Which settings changed, never their values (an email address is personal data).
    const fields = action === 'settings.changed' && body && typeof body === 'object' ? Object.keys(body).sort().join(',') : undefined;
    // The user the role check read for this request (route-spec.ts): no second read.
    await recordAudit(rc, session.tenantId, {
      action,
      actor: actorOf(session, ctx.state.user),
      ...(target !== undefined ? { target } : {}),
      ip: ctx.ip,
      ...(fields ? { detail: { fields } } : action === 'request' ? { detail: { route: key } } : {}),
    });
  };
}
