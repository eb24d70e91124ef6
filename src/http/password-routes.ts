/**
 * Password reset by an emailed single-use link (1 h), and a password change for a signed-in
 * user. Either ends every other session (a reset ends all of them) and tells the address.
 * Requesting a reset answers 202 whether or not the address is registered.
 */
import type { PasswordUpdated } from './api-types.js';
import { recordForIdentity } from './audit-trail.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, type AnyRoute } from './route-spec.js';
import { changePasswordSchema, resetRequestSchema, resetSchema } from './schemas.js';
import { sendSecurityNotice } from './security-mail.js';
import { homeOf } from './session-start.js';

/** How long a reset link works. */
export const RESET_TOKEN_TTL_MS = 3_600_000;

const invalidToken = () => clientError(400, 'INVALID_TOKEN', 'the link is invalid, already used or expired; ask for a new one');

/** The password routes. */
export function passwordRoutes(rc: RouteContext): AnyRoute[] {
  const { store } = rc.deps;
  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/reset/request',
      summary: 'Email a password reset link (single use, 1 h); 202 whether or not the address is registered',
      tag: 'auth',
      auth: 'public',
      body: resetRequestSchema,
      responses: { 202: 'Accepted', 400: 'Problem', 429: 'Problem' },
      async handler(ctx, { body }) {
        await rc.limiter.consumeIp('reset', ctx.ip, rc.limits.resetPerIp);
        await rc.limiter.consume(`reset:email:${body.email}`, rc.limits.resetPerEmail);
        rc.background.run('password-reset', async () => {
          const user = await store.users.findByEmail(body.email);
          // An unverified signup has no password worth resetting: signing up again replaces it.
          if (!user?.emailVerified) return;
          const token = await store.tokens.issue({ purpose: 'reset_password', tenantId: user.tenantId, userId: user.id, email: user.email, ttlMs: RESET_TOKEN_TTL_MS });
          await sendSecurityNotice(rc, user.email, { kind: 'password_reset', token, expiresInMinutes: RESET_TOKEN_TTL_MS / 60_000 });
        });
        return { status: 'accepted' as const };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/reset',
      summary: 'Set a new password with the emailed token; every session is ended',
      tag: 'auth',
      auth: 'public',
      body: resetSchema,
      responses: { 200: 'PasswordUpdated', 400: 'Problem (INVALID_TOKEN, VALIDATION_FAILED)' },
      async handler(ctx, { body }) {
        const record = await store.tokens.consume(body.token, 'reset_password');
        if (!record) throw invalidToken();
        // The identity, found by address (a user who left their home organization is no member there).
        const user = await store.users.findByEmail(record.email);
        // A link sent to an address the user has since left resets nothing.
        if (!user || user.id !== record.userId || user.email !== record.email) throw invalidToken();
        await store.users.setPassword(user.tenantId, user.id, body.password);
        // An invitation is a reset link to an unverified member: following it proves the address.
        if (!user.emailVerified) await store.users.markEmailVerified(user.tenantId, user.id, user.email);
        const sessionsEnded = await store.sessions.revokeAllForUser(user.tenantId, user.id);
        await rc.loginThrottle.succeeded({ ip: ctx.ip, email: user.email });
        rc.deps.log.info({ tenant: user.tenantId, user: user.id, sessionsEnded }, 'password reset');
        // Following an invitation is how the invitee joins: the trail says so, not "password reset".
        await recordForIdentity(rc, user, { action: user.emailVerified ? 'auth.password_reset' : 'member.joined', actor: { kind: 'user', userId: user.id, email: user.email }, ip: ctx.ip, detail: { sessionsEnded: String(sessionsEnded) } });
        rc.background.run('password-changed', () => sendSecurityNotice(rc, user.email, { kind: 'password_changed' }));
        const body200: PasswordUpdated = { status: 'password_updated', sessionsEnded };
        return body200;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/password',
      summary: 'Change the password (the current one is required); other sessions are ended',
      tag: 'auth',
      auth: 'session',
      role: 'viewer',
      body: changePasswordSchema,
      responses: { 200: 'PasswordUpdated', 400: 'Problem', 401: 'Problem', 403: 'Problem (WRONG_PASSWORD)', 429: 'Problem' },
      async handler(_ctx, { body, session, user }) {
        await rc.limiter.consume(`password-change:${session.tenantId}:${session.userId}`, rc.limits.passwordChangePerUser);
        const checked = await store.users.authenticate(user.email, body.currentPassword);
        if (checked?.id !== user.id) throw clientError(403, 'WRONG_PASSWORD', 'the current password is wrong');
        await store.users.setPassword(user.tenantId, user.id, body.newPassword);
        const sessionsEnded = await store.sessions.revokeAllForUser(homeOf(user), user.id, session.sessionId);
        rc.deps.log.info({ tenant: user.tenantId, user: user.id, sessionsEnded }, 'password changed');
        rc.background.run('password-changed', () => sendSecurityNotice(rc, user.email, { kind: 'password_changed' }));
        const reply: PasswordUpdated = { status: 'password_updated', sessionsEnded };
        return reply;
      },
    }),
  ];
}
