/**
 * Sign-up, email verification, login and logout. Nothing here tells a caller whether an email
 * is registered: signup and resend answer the same either way (the mail is sent after the
 * answer), and a login with an unknown email or a wrong password is one `INVALID_CREDENTIALS`
 * after one scrypt either way. Only a correct password learns that the email is unverified.
 */
import { AppError } from '../domain/errors.js';
import { recordForIdentity } from './audit-trail.js';
import type { MfaChallenge } from './api-types.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, reply, type AnyRoute } from './route-spec.js';
import { loginSchema, resendSchema, signupSchema, verifySchema } from './schemas.js';
import { clearedSessionCookie, DEVICE_COOKIE, readCookie, SESSION_COOKIE } from './session-cookie.js';
import { currentMe, signInTenant, startSession, trustDevice } from './session-start.js';
import { MFA_LOGIN_TTL_MS } from './mfa-routes.js';
import { profileOf, updateProfile } from './user-profile.js';
import { sendSecurityNotice } from './security-mail.js';
import { sendVerification } from './verification-mail.js';

const invalidToken = () => clientError(400, 'INVALID_TOKEN', 'the link is invalid, already used or expired; ask for a new one');
const isCode = (error: unknown, code: string) => error instanceof AppError && error.code === code;

/** The auth routes. */
export function authRoutes(rc: RouteContext): AnyRoute[] {
  const { store } = rc.deps;
  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/signup',
      summary: 'Create a user and its tenant; sends a verification email',
      tag: 'auth',
      auth: 'public',
      body: signupSchema,
      responses: { 201: 'SignupResponse', 400: 'Problem', 429: 'Problem' },
      async handler(ctx, { body }) {
        await rc.limiter.consumeIp('signup', ctx.ip, rc.limits.signupPerIp);
        await rc.limiter.consume(`signup:email:${body.email}`, rc.limits.signupPerEmail);
        const existing = await store.users.findByEmail(body.email);
        // An unverified account is not an account (account pre-hijacking): a new signup for its
        // address replaces it, and the old signup's verification link dies with its user.
        const replaced = existing !== undefined && !existing.emailVerified && (await store.users.removeUnverified(existing.tenantId, existing.id));
        if (existing && !replaced) {
          // A verified address: as costly as creating an account (one scrypt) and the same
          // answer; only the owner hears of it.
          await store.users.authenticate(body.email, body.password);
          rc.background.run('signup-existing', () => sendSecurityNotice(rc, existing.email, { kind: 'signup_existing' }));
        } else {
          // The replaced signup's tenant is reused when nobody else is in it (it holds nothing:
          // an unverified user cannot sign in), so replacements leave no empty tenants behind.
          const reuse = replaced && existing && (await store.users.listByTenant(existing.tenantId)).length === 0;
          const tenantId = reuse ? existing.tenantId : (await store.tenants.create({ name: body.organization })).id;
          if (reuse) await store.tenants.rename(tenantId, body.organization);
          try {
            const user = await store.users.create({ tenantId, email: body.email, password: body.password });
            rc.background.run('signup-verify', () => sendVerification(rc, { tenantId, userId: user.id, email: user.email, organization: body.organization }));
            rc.deps.log.info({ tenant: tenantId, user: user.id, replaced }, 'user signed up');
          } catch (error) {
            // Lost a race for the address: answer as if it had worked (the tenant stays empty).
            if (!isCode(error, 'EMAIL_TAKEN')) throw error;
          }
        }
        return { status: 'verification_sent' as const, email: body.email };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/verify',
      summary: 'Confirm an email address with the token from the verification email (single use, 24 h)',
      tag: 'auth',
      auth: 'public',
      body: verifySchema,
      responses: { 200: 'VerifyResponse', 400: 'Problem (INVALID_TOKEN)', 409: 'Problem (EMAIL_TAKEN)' },
      async handler(_ctx, { body }) {
        const record = await store.tokens.consume(body.token, 'verify_email');
        if (!record) throw invalidToken();
        const user = await store.users.get(record.tenantId, record.userId);
        if (!user) throw invalidToken();
        if (record.email === user.email) {
          if (!(await store.users.markEmailVerified(user.tenantId, user.id, record.email))) throw invalidToken();
        } else {
          // A change of address: only the latest pending one may be confirmed.
          if (profileOf(user).pendingEmail !== record.email) throw invalidToken();
          await store.users.changeEmail(user.tenantId, user.id, record.email);
          await store.users.markEmailVerified(user.tenantId, user.id, record.email);
          await updateProfile(store.users, user.tenantId, user.id, { pendingEmail: null });
        }
        rc.deps.log.info({ tenant: user.tenantId, user: user.id }, 'email verified');
        return { email: record.email, emailVerified: true as const };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/resend',
      summary: 'Send the verification email again (202 whether or not the address is registered)',
      tag: 'auth',
      auth: 'public',
      body: resendSchema,
      responses: { 202: 'Accepted', 400: 'Problem', 429: 'Problem' },
      async handler(ctx, { body }) {
        await rc.limiter.consumeIp('resend', ctx.ip, rc.limits.resendPerIp);
        await rc.limiter.consume(`resend:email:${body.email}`, rc.limits.resendPerEmail);
        rc.background.run('resend-verify', async () => {
          const user = await store.users.findByEmail(body.email);
          if (user && !user.emailVerified) await sendVerification(rc, { tenantId: user.tenantId, userId: user.id, email: user.email });
        });
        return { status: 'accepted' as const };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      summary: 'Sign in; sets the HttpOnly `sid` session cookie, or (202) asks for the second factor of a user with MFA',
      tag: 'auth',
      auth: 'public',
      body: loginSchema,
      responses: { 200: 'Me', 202: 'MfaChallenge', 401: 'Problem (INVALID_CREDENTIALS)', 403: 'Problem (EMAIL_NOT_VERIFIED)', 429: 'Problem (RATE_LIMITED)' },
      async handler(ctx, { body }) {
        // A browser that signed in to this address before skips the per-email delay.
        const deviceToken = readCookie(ctx.get('cookie'), DEVICE_COOKIE);
        const device = deviceToken ? await store.tokens.find(deviceToken, 'trusted_device') : undefined;
        const attempt = { ip: ctx.ip, email: body.email, device: device?.email === body.email ? device.id : undefined };
        await rc.loginThrottle.before(attempt);
        const user = await store.users.authenticate(body.email, body.password);
        if (!user) {
          const { failures, notify } = await rc.loginThrottle.failed(attempt);
          const target = await store.users.findByEmail(body.email);
          rc.signInFailed(target ? 'known' : 'unknown');
          // The address is not logged: what is typed there is sometimes a password.
          rc.deps.log.info({ failures, known: target !== undefined, ip: ctx.ip, trustedDevice: attempt.device !== undefined }, 'sign-in failed');
          // In the trail of every organization the address belongs to. An unknown address has no
          // tenant: it goes to no trail (nobody could read it; a table anyone can fill, of typos
          // and passwords typed in the wrong field), only to the log and the operator's counter.
          if (target) await recordForIdentity(rc, target, { action: 'auth.login_failed', actor: { kind: 'user', email: body.email }, ip: ctx.ip, detail: { failures: String(failures) } });
          if (notify) {
            rc.background.run('login-failures-notice', async () => {
              const owner = await store.users.findByEmail(body.email);
              if (owner) await sendSecurityNotice(rc, owner.email, { kind: 'failed_logins', failures });
            });
          }
          throw clientError(401, 'INVALID_CREDENTIALS', 'the email or the password is wrong');
        }
        if (!user.emailVerified) throw clientError(403, 'EMAIL_NOT_VERIFIED', 'confirm your email address first; we can send the link again');
        await rc.loginThrottle.succeeded(attempt);
        const tenantId = await signInTenant(rc, user);
        const member = tenantId && (await store.users.get(tenantId, user.id));
        if (!tenantId || !member) throw clientError(401, 'INVALID_CREDENTIALS', 'the email or the password is wrong');
        if (user.mfaEnabled) {
          // Not a session: a single-use pending sign-in that only /api/auth/login/mfa accepts.
          const mfaToken = await store.tokens.issue({ purpose: 'mfa_login', tenantId, userId: user.id, email: user.email, ttlMs: MFA_LOGIN_TTL_MS });
          const challenge: MfaChallenge = { status: 'mfa_required', mfaToken, expiresAt: new Date(rc.now() + MFA_LOGIN_TTL_MS).toISOString() };
          ctx.set('Cache-Control', 'no-store');
          return reply(202, challenge);
        }
        const me = await startSession(rc, ctx, member, tenantId, { action: 'auth.login' });
        if (!attempt.device) await trustDevice(rc, ctx, user);
        return me;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/logout',
      summary: 'Sign out: the session is revoked on the server and the cookie cleared',
      tag: 'auth',
      auth: 'public',
      responses: { 204: 'No content' },
      async handler(ctx) {
        const token = readCookie(ctx.get('cookie'), SESSION_COOKIE);
        if (token) await store.sessions.revoke(token);
        ctx.set('Set-Cookie', clearedSessionCookie({ secure: rc.secureCookies }));
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/me',
      summary: 'The signed-in user and tenant',
      tag: 'auth',
      auth: 'session',
      responses: { 200: 'Me', 401: 'Problem (UNAUTHENTICATED)' },
      handler(_ctx, { session }) {
        return currentMe(rc, session);
      },
    }),
  ];
}
