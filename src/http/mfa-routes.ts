/**
 * Two-factor sign-in with TOTP (RFC 6238): enrol (a secret shown once, confirmed with a first
 * code before it counts), the second step of a sign-in, ten single-use recovery codes (stored
 * hashed), disabling (password and a code), and an owner's "every member needs MFA" switch.
 * The secret is sealed at rest like AWS keys (store). API tokens are not affected: they are
 * scoped credentials of their own, created by a person who signed in.
 */
import type { UserRecord } from '../store/index.js';
import type { MfaEnabled, MfaEnrolment, MfaStatus } from './api-types.js';
import { actorOf, recordAudit } from './audit-trail.js';
import { newRecoveryCodes, newTotpSecret, totpStep, totpUri } from './mfa-totp.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, type AnyRoute } from './route-spec.js';
import { mfaConfirmSchema, mfaDisableSchema, mfaLoginSchema, mfaRequirementSchema } from './schemas.js';
import { sendSecurityNotice } from './security-mail.js';
import { DEVICE_COOKIE, readCookie } from './session-cookie.js';
import { startSession, trustDevice } from './session-start.js';

/** How long the pending sign-in between password and code lives. */
export const MFA_LOGIN_TTL_MS = 5 * 60_000;
/** Codes tried per pending sign-in before it dies (the login throttle applies on top). */
const CODES_PER_PENDING_LOGIN = { limit: 5, windowMs: MFA_LOGIN_TTL_MS };
/** Codes a signed-in user may try to confirm or disable, per 15 minutes. */
const CODES_PER_USER = { limit: 10, windowMs: 15 * 60_000 };

const invalidPending = () => clientError(400, 'INVALID_TOKEN', 'the sign-in expired or was used; sign in again');
const ISSUER = 'Cloud Health';

/** Which factor a code proved, or undefined. A TOTP code is accepted once (its step is recorded). */
export async function checkSecondFactor(rc: RouteContext, user: Pick<UserRecord, 'id' | 'tenantId'>, input: { code?: string | undefined; recoveryCode?: string | undefined }): Promise<'totp' | 'recovery' | undefined> {
  const { users } = rc.deps.store;
  if (input.recoveryCode !== undefined) return (await users.useRecoveryCode(user.tenantId, user.id, input.recoveryCode)) ? 'recovery' : undefined;
  if (input.code === undefined) return undefined;
  const state = await users.mfaState(user.tenantId, user.id);
  if (!state.secret) return undefined;
  const step = totpStep(state.secret, input.code, rc.now());
  if (step === undefined) return undefined;
  return (await users.useMfaStep(user.tenantId, user.id, step)) ? 'totp' : undefined;
}

/** The MFA routes. */
export function mfaRoutes(rc: RouteContext): AnyRoute[] {
  const { store } = rc.deps;

  async function statusOf(tenantId: string, userId: string): Promise<MfaStatus> {
    const [state, tenant] = await Promise.all([store.users.mfaState(tenantId, userId), store.tenants.get(tenantId)]);
    return { enabled: state.enabled, recoveryCodesLeft: state.recoveryCodesLeft, required: tenant?.settings.requireMfa === true };
  }

  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/login/mfa',
      summary: 'Second step of a sign-in with MFA: the pending sign-in and a TOTP or recovery code; sets the `sid` cookie',
      tag: 'auth',
      auth: 'public',
      body: mfaLoginSchema,
      responses: { 200: 'Me', 400: 'Problem (INVALID_TOKEN, VALIDATION_FAILED)', 401: 'Problem (INVALID_MFA_CODE)', 429: 'Problem (RATE_LIMITED)' },
      async handler(ctx, { body }) {
        const pending = await store.tokens.find(body.mfaToken, 'mfa_login');
        if (!pending) throw invalidPending();
        // Throttled like passwords (per IP, per IP and user, a growing delay per user), and a
        // pending sign-in dies after a few codes.
        const attempt = { ip: ctx.ip, email: `mfa:${pending.email}` };
        await rc.loginThrottle.before(attempt);
        await rc.limiter.consume(`mfa-login:${pending.id}`, CODES_PER_PENDING_LOGIN).catch(async (error: unknown) => {
          await store.tokens.revoke(pending.id);
          throw error;
        });
        const user = await store.users.findByEmail(pending.email);
        if (!user || user.id !== pending.userId) throw invalidPending();
        const factor = await checkSecondFactor(rc, user, body);
        if (!factor) {
          const { failures } = await rc.loginThrottle.failed(attempt);
          await recordAudit(rc, pending.tenantId, { action: 'auth.mfa_failed', actor: { kind: 'user', userId: user.id, email: user.email }, ip: ctx.ip, detail: { failures: String(failures) } });
          throw clientError(401, 'INVALID_MFA_CODE', 'the code is wrong or was used already');
        }
        // Single use: of two requests racing with right codes, one signs in.
        if (!(await store.tokens.consume(body.mfaToken, 'mfa_login'))) throw invalidPending();
        await rc.loginThrottle.succeeded(attempt);
        if (factor === 'recovery') {
          const left = (await store.users.mfaState(user.tenantId, user.id)).recoveryCodesLeft;
          await recordAudit(rc, pending.tenantId, { action: 'auth.mfa_recovery_code_used', actor: { kind: 'user', userId: user.id, email: user.email }, ip: ctx.ip, detail: { recoveryCodesLeft: String(left) } });
          rc.background.run('recovery-code-used', () => sendSecurityNotice(rc, user.email, { kind: 'mfa_recovery_code_used', recoveryCodesLeft: left }));
        }
        // The organization chosen at the password step, if the user still belongs to it.
        const member = await store.users.get(pending.tenantId, user.id);
        if (!member) throw invalidPending();
        const me = await startSession(rc, ctx, member, pending.tenantId, { action: 'auth.login', detail: { secondFactor: factor } });
        if (!readCookie(ctx.get('cookie'), DEVICE_COOKIE)) await trustDevice(rc, ctx, user);
        return me;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/mfa',
      summary: "Whether the user has MFA, their recovery codes left, and whether the organization requires it",
      tag: 'auth',
      auth: 'session',
      responses: { 200: 'MfaStatus', 401: 'Problem' },
      handler(_ctx, { session }) {
        return statusOf(session.tenantId, session.userId);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/mfa/enrol',
      summary: 'Start MFA enrolment: a new TOTP secret, shown this once (as an otpauth:// URI for a QR code); confirm it with a code',
      tag: 'auth',
      auth: 'session',
      role: 'viewer',
      responses: { 200: 'MfaEnrolment', 401: 'Problem', 409: 'Problem (MFA_ALREADY_ENABLED)' },
      async handler(ctx, { user }) {
        if ((await store.users.mfaState(user.tenantId, user.id)).enabled) throw clientError(409, 'MFA_ALREADY_ENABLED', 'MFA is on already; disable it first to enrol another authenticator');
        const secret = newTotpSecret();
        await store.users.beginMfa(user.tenantId, user.id, secret);
        const body: MfaEnrolment = { secret, otpauthUri: totpUri(secret, user.email, ISSUER) };
        ctx.set('Cache-Control', 'no-store');
        return body;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/mfa/confirm',
      summary: 'Turn MFA on with a first code of the enrolled secret; answers the ten recovery codes, shown this once',
      tag: 'auth',
      auth: 'session',
      role: 'viewer',
      body: mfaConfirmSchema,
      responses: { 200: 'MfaEnabled', 400: 'Problem (INVALID_MFA_CODE)', 401: 'Problem', 409: 'Problem (MFA_NOT_STARTED, MFA_ALREADY_ENABLED)', 429: 'Problem' },
      async handler(ctx, { body, session, user }) {
        await rc.limiter.consume(`mfa-code:${user.id}`, CODES_PER_USER);
        const state = await store.users.mfaState(user.tenantId, user.id);
        if (state.enabled) throw clientError(409, 'MFA_ALREADY_ENABLED', 'MFA is on already');
        if (!state.pendingSecret) throw clientError(409, 'MFA_NOT_STARTED', 'start the enrolment first');
        const step = totpStep(state.pendingSecret, body.code, rc.now());
        if (step === undefined) throw clientError(400, 'INVALID_MFA_CODE', 'the code is wrong; check the time on the device');
        const recoveryCodes = newRecoveryCodes();
        await store.users.enableMfa(user.tenantId, user.id, recoveryCodes, step);
        await recordAudit(rc, session.tenantId, { action: 'auth.mfa_enabled', actor: actorOf(session, user), ip: ctx.ip });
        rc.background.run('mfa-enabled', () => sendSecurityNotice(rc, user.email, { kind: 'mfa_changed', enabled: true }));
        const reply: MfaEnabled = { status: 'mfa_enabled', recoveryCodes };
        ctx.set('Cache-Control', 'no-store');
        return reply;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/mfa/disable',
      summary: 'Turn MFA off: the password and a current code (or a recovery code)',
      tag: 'auth',
      auth: 'session',
      role: 'viewer',
      body: mfaDisableSchema,
      responses: { 204: 'No content', 400: 'Problem', 401: 'Problem', 403: 'Problem (WRONG_PASSWORD, INVALID_MFA_CODE)', 409: 'Problem (MFA_NOT_ENABLED)', 429: 'Problem' },
      async handler(ctx, { body, session, user }) {
        await rc.limiter.consume(`mfa-code:${user.id}`, CODES_PER_USER);
        if (!(await store.users.mfaState(user.tenantId, user.id)).enabled) throw clientError(409, 'MFA_NOT_ENABLED', 'MFA is off');
        const checked = await store.users.authenticate(user.email, body.password);
        if (checked?.id !== user.id) throw clientError(403, 'WRONG_PASSWORD', 'the password is wrong');
        const factor = await checkSecondFactor(rc, user, body);
        if (!factor) throw clientError(403, 'INVALID_MFA_CODE', 'the code is wrong or was used already');
        await store.users.disableMfa(user.tenantId, user.id);
        await recordAudit(rc, session.tenantId, { action: 'auth.mfa_disabled', actor: { kind: 'user', userId: user.id, email: user.email }, ip: ctx.ip, detail: { secondFactor: factor } });
        rc.background.run('mfa-disabled', () => sendSecurityNotice(rc, user.email, { kind: 'mfa_changed', enabled: false }));
        return undefined;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/auth/mfa/required',
      summary: 'Require MFA of every member of the organization (owners, who must have it on themselves)',
      tag: 'auth',
      auth: 'session',
      role: 'owner',
      body: mfaRequirementSchema,
      responses: { 200: 'MfaStatus', 400: 'Problem', 401: 'Problem', 403: 'Problem (ROLE_REQUIRED)', 409: 'Problem (MFA_NOT_ENABLED)' },
      async handler(ctx, { body, session, user }) {
        // An owner without MFA would lock themselves out of everything but enrolment.
        if (body.required && !(await store.users.mfaState(session.tenantId, session.userId)).enabled) {
          throw clientError(409, 'MFA_NOT_ENABLED', 'turn MFA on for yourself before requiring it of everyone');
        }
        await store.tenants.updateSettings(session.tenantId, { requireMfa: body.required });
        await recordAudit(rc, session.tenantId, { action: 'tenant.mfa_requirement_changed', actor: actorOf(session, user), ip: ctx.ip, detail: { required: String(body.required) } });
        return statusOf(session.tenantId, session.userId);
      },
    }),
  ];
}
