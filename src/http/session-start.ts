/**
 * Starting a session once a user has proved who they are (password, and the second factor when
 * they have one), and the `Me` a session sees. A session acts in one organization, its tenant;
 * switching organization starts a new session there and revokes the old one through the
 * session repository, so a session's tenant never changes under a cached read of it.
 */
import type { UserRecord } from '../store/index.js';
import type { Me, OrganizationMembership } from './api-types.js';
import { recordAudit } from './audit-trail.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { roleOf, type AppContext } from './route-spec.js';
import { deviceCookie, readCookie, SESSION_COOKIE, sessionCookie } from './session-cookie.js';

/** How long a browser stays trusted for login throttling after signing in. */
export const TRUSTED_DEVICE_TTL_MS = 90 * 86_400_000;

/** The home tenant of a user or session (where its identity and sessions are indexed). */
export function homeOf(of: { tenantId: string; homeTenantId?: string | undefined }): string {
  return of.homeTenantId ?? of.tenantId;
}

/** The organizations of a user, with names, the current one marked. */
export async function membershipsOf(rc: RouteContext, user: Pick<UserRecord, 'id' | 'tenantId' | 'homeTenantId'>, currentTenantId: string): Promise<OrganizationMembership[]> {
  const memberships = await rc.deps.store.users.listMemberships(homeOf(user), user.id);
  const named = await Promise.all(
    memberships.map(async (m) => {
      const tenant = await rc.deps.store.tenants.get(m.tenantId);
      return tenant && { tenantId: m.tenantId, name: tenant.name, role: roleOf(m.role), current: m.tenantId === currentTenantId };
    }),
  );
  return named.filter((m): m is OrganizationMembership => m !== undefined);
}

/** Me of a session, or 401 when its user is no longer a member of its tenant, or the tenant is gone. */
export async function currentMe(rc: RouteContext, session: { tenantId: string; userId: string }): Promise<Me> {
  const [user, tenant] = await Promise.all([rc.deps.store.users.get(session.tenantId, session.userId), rc.deps.store.tenants.get(session.tenantId)]);
  if (!user || !tenant) throw clientError(401, 'UNAUTHENTICATED', 'sign in first');
  const requireMfa = tenant.settings.requireMfa === true;
  return {
    user: { id: user.id, email: user.email, emailVerified: user.emailVerified, mfaEnabled: user.mfaEnabled === true },
    tenant: { id: tenant.id, name: tenant.name, requireMfa },
    role: roleOf(user.role),
    memberships: await membershipsOf(rc, user, tenant.id),
    mfaEnrolmentRequired: requireMfa && user.mfaEnabled !== true,
  };
}

/** The organization a sign-in lands in: the home tenant while a member there, else the first other. */
export async function signInTenant(rc: RouteContext, user: UserRecord): Promise<string | undefined> {
  const memberships = await rc.deps.store.users.listMemberships(homeOf(user), user.id);
  return memberships[0]?.tenantId;
}

/**
 * Start a session of `user` in `tenantId` (a tenant they belong to): the session this browser
 * held before is revoked (one cookie, one live session), the cookie set, the sign-in audited.
 */
export async function startSession(
  rc: RouteContext,
  ctx: AppContext,
  user: UserRecord,
  tenantId: string,
  audit: { action: string; detail?: Record<string, string> },
): Promise<Me> {
  const { store } = rc.deps;
  const previous = readCookie(ctx.get('cookie'), SESSION_COOKIE);
  if (previous) await store.sessions.revoke(previous);
  const userAgent = ctx.get('user-agent');
  const { token, session } = await store.sessions.create({ tenantId, userId: user.id, homeTenantId: homeOf(user), ...(userAgent ? { userAgent } : {}) });
  ctx.append('Set-Cookie', sessionCookie(token, new Date(session.expiresAt), { secure: rc.secureCookies, now: rc.now() }));
  rc.deps.log.info({ tenant: tenantId, user: user.id, action: audit.action }, 'session started');
  await recordAudit(rc, tenantId, { action: audit.action, actor: { kind: 'user', userId: user.id, email: user.email }, target: session.id, ip: ctx.ip, ...(audit.detail ? { detail: audit.detail } : {}) });
  return currentMe(rc, session);
}

/** Mark this browser as one that signed in to the user's address (login throttling skips its per-email delay). */
export async function trustDevice(rc: RouteContext, ctx: AppContext, user: Pick<UserRecord, 'id' | 'tenantId' | 'email'>): Promise<void> {
  const trusted = await rc.deps.store.tokens.issue({ purpose: 'trusted_device', tenantId: user.tenantId, userId: user.id, email: user.email, ttlMs: TRUSTED_DEVICE_TTL_MS });
  ctx.append('Set-Cookie', deviceCookie(trusted, TRUSTED_DEVICE_TTL_MS, { secure: rc.secureCookies }));
}
