/**
 * The `sid` session cookie: HttpOnly, SameSite=Strict, Path=/, Secure when the public URL is
 * https. Written by hand rather than through koa's cookies, which refuse a Secure cookie on a
 * plain connection — the normal case behind a TLS-terminating proxy.
 */
import type Koa from 'koa';
import type { ApiTokenRepository, SessionRepository, UserRecord, UserRepository } from '../store/index.js';
import { clientError } from './problem.js';
import { requiredRole, roleAtLeast, roleOf, type AnyRoute, type AppState, type SessionState } from './route-spec.js';

/** The cookie's name (DESIGN.md "HTTP contract"). */
export const SESSION_COOKIE = 'sid';

/** The value of cookie `name` in a Cookie header, if present. */
export function readCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{1,200}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/** The Set-Cookie value of a session token living until `expiresAt`. */
export function sessionCookie(token: string, expiresAt: Date, options: { secure: boolean; now: number }): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - options.now) / 1000));
  return [`${SESSION_COOKIE}=${token}`, 'Path=/', `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=Strict', ...(options.secure ? ['Secure'] : [])].join('; ');
}

/** The trusted-device cookie: this browser signed in to an address before (login throttling). */
export const DEVICE_COOKIE = 'did';

/** The Set-Cookie value of a trusted-device token; only the login route reads it. */
export function deviceCookie(token: string, maxAgeMs: number, options: { secure: boolean }): string {
  return [`${DEVICE_COOKIE}=${token}`, 'Path=/api/auth/login', `Max-Age=${Math.floor(maxAgeMs / 1000)}`, 'HttpOnly', 'SameSite=Strict', ...(options.secure ? ['Secure'] : [])].join('; ');
}

/** The Set-Cookie value that deletes the session cookie. */
export function clearedSessionCookie(options: { secure: boolean }): string {
  return [`${SESSION_COOKIE}=`, 'Path=/', 'Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'HttpOnly', 'SameSite=Strict', ...(options.secure ? ['Secure'] : [])].join('; ');
}

/** The session a Cookie header's `sid` names, if it is live (fast-reads.ts resolves its hits by it too). */
export async function cookieSession(sessions: Pick<SessionRepository, 'get'>, cookieHeader: string): Promise<SessionState | undefined> {
  const token = readCookie(cookieHeader, SESSION_COOKIE);
  if (!token) return undefined;
  const session = await sessions.get(token);
  if (!session) return undefined;
  return { tenantId: session.tenantId, userId: session.userId, sessionId: session.id, token, ...(session.homeTenantId ? { homeTenantId: session.homeTenantId } : {}) };
}

/**
 * Resolve the cookie, or else an `Authorization: Bearer cht_…` API token, to `ctx.state.session`
 * (nothing when absent or invalid).
 */
export function loadSession(sessions: SessionRepository, apiTokens?: Pick<ApiTokenRepository, 'authenticate'>): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    const session = await cookieSession(sessions, ctx.get('cookie'));
    if (session) ctx.state.session = session;
    const bearer = /^Bearer\s+(cht_[A-Za-z0-9_-]{1,200})\s*$/.exec(ctx.get('authorization'))?.[1];
    if (!ctx.state.session && bearer && apiTokens) {
      const record = await apiTokens.authenticate(bearer);
      if (record) ctx.state.session = { tenantId: record.tenantId, userId: record.userId, sessionId: `token:${record.id}`, token: '', apiToken: { id: record.id, name: record.name, scope: record.scope } };
    }
    return next();
  };
}

/** Require a session: 401 `UNAUTHENTICATED` without one. */
export const requireSession: Koa.Middleware<AppState> = (ctx, next) => {
  if (!ctx.state.session) throw clientError(401, 'UNAUTHENTICATED', 'sign in first');
  return next();
};

/**
 * Load the user's role and require at least `role`: 403 `ROLE_REQUIRED` otherwise, 401 when the
 * user is gone (or no longer a member of the session's organization). When the organization
 * requires MFA and a signed-in person has none, only the sign-in routes (`auth` tag: me, MFA
 * enrolment, switching, sessions) answer; the rest say 403 `MFA_ENROLMENT_REQUIRED`. API tokens
 * are not affected: they are scoped credentials a person created. `mfaRequired` answers whether
 * a tenant requires MFA (read through the tenant cache). Mounted after `requireSession`.
 */
export function requireRole(users: Pick<UserRepository, 'get'>, route: AnyRoute, mfaRequired?: (tenantId: string) => Promise<boolean>): Koa.Middleware<AppState> {
  const check = roleCheck(users, route, mfaRequired);
  return async (ctx, next) => {
    const session = ctx.state.session;
    if (!session) throw clientError(401, 'UNAUTHENTICATED', 'sign in first');
    // Kept for the handler (route-spec.ts hands it over): the user is read once per request.
    ctx.state.user = await check(session);
    return next();
  };
}

/**
 * `requireRole`'s decision for one route, on its own (fast-reads.ts takes the same one): the
 * session's user, with `session.role` set, or the client error that refuses the request.
 */
export function roleCheck(users: Pick<UserRepository, 'get'>, route: AnyRoute, mfaRequired?: (tenantId: string) => Promise<boolean>): (session: SessionState) => Promise<UserRecord> {
  const role = requiredRole(route);
  // Sign-ins, people, tokens and one's own settings (the email address!) are managed by a
  // person, never by a script's token.
  const personal =
    route.tag === 'auth' || route.path.startsWith('/api/members') || route.path.startsWith('/api/tokens') || (route.path === '/api/settings' && route.method !== 'get');
  return async (session) => {
    const user = await users.get(session.tenantId, session.userId);
    if (!user) throw clientError(401, 'UNAUTHENTICATED', 'sign in first');
    session.role = roleOf(user.role);
    if (mfaRequired && !session.apiToken && route.tag !== 'auth' && user.mfaEnabled !== true && (await mfaRequired(session.tenantId))) {
      throw clientError(403, 'MFA_ENROLMENT_REQUIRED', 'this organization requires two-factor sign-in: turn it on in Settings first');
    }
    if (session.apiToken) {
      if (personal) throw clientError(403, 'TOKEN_NOT_ALLOWED', 'API tokens cannot manage sign-ins, people or tokens');
      if (session.apiToken.scope === 'read' && route.method !== 'get') throw clientError(403, 'TOKEN_SCOPE', 'this token is read-only');
      // A token acts as its creator, capped at its scope.
      if (session.apiToken.scope === 'read' || session.role === 'owner') session.role = session.apiToken.scope === 'read' ? 'viewer' : 'admin';
    }
    if (!roleAtLeast(session.role, role)) throw clientError(403, 'ROLE_REQUIRED', `this needs the ${role} role`);
    return user;
  };
}

/** The session of a route behind `requireSession`. */
export function sessionOf(ctx: { state: AppState }): SessionState {
  const session = ctx.state.session;
  if (!session) throw clientError(401, 'UNAUTHENTICATED', 'sign in first');
  return session;
}
