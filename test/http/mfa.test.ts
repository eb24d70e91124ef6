/** TOTP MFA through the API: enrol, the second sign-in step, recovery codes, disabling, and an owner requiring it. */
import t from 'tap';
import { totpCode } from '../../src/http/mfa-totp.js';
import { sessionPair, signIn, startWorld, type World } from './fixtures/harness.js';
import { documentValidator } from './fixtures/openapi-validator.js';

const STEP_MS = 30_000;

async function enrol(w: World, cookie: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const start = await w.request('POST', '/api/auth/mfa/enrol', { cookie });
  if (start.status !== 200) throw new Error(`enrol: ${start.status} ${start.text}`);
  const secret = start.json.secret as string;
  const confirm = await w.request('POST', '/api/auth/mfa/confirm', { cookie, body: { code: totpCode(secret, w.clock.now) } });
  if (confirm.status !== 200) throw new Error(`confirm: ${confirm.status} ${confirm.text}`);
  return { secret, recoveryCodes: confirm.json.recoveryCodes };
}

t.test('enrol with a confirmed code, then sign in in two steps', async (t) => {
  const w = await startWorld(t);
  const u = await signIn(w, 'mfa-user@example.com');

  const start = await w.request('POST', '/api/auth/mfa/enrol', { cookie: u.cookie });
  t.equal(start.status, 200);
  t.match(start.json.otpauthUri, /^otpauth:\/\/totp\/.*secret=[A-Z2-7]+/, 'an otpauth URI for the QR code');
  t.equal(start.headers.get('cache-control'), 'no-store');
  const secret = start.json.secret as string;

  t.equal((await w.request('GET', '/api/auth/mfa', { cookie: u.cookie })).json.enabled, false, 'not on before a code confirms it');
  const wrong = await w.request('POST', '/api/auth/mfa/confirm', { cookie: u.cookie, body: { code: totpCode(secret, w.clock.now + 10 * STEP_MS) } });
  t.equal(wrong.status, 400);
  t.equal(wrong.json.code, 'INVALID_MFA_CODE');
  const confirm = await w.request('POST', '/api/auth/mfa/confirm', { cookie: u.cookie, body: { code: totpCode(secret, w.clock.now) } });
  t.equal(confirm.status, 200);
  const codes = confirm.json.recoveryCodes as string[];
  t.equal(codes.length, 10, 'ten recovery codes');
  t.equal(new Set(codes).size, 10);
  t.same((await w.request('GET', '/api/auth/mfa', { cookie: u.cookie })).json, { enabled: true, recoveryCodesLeft: 10, required: false });
  t.equal((await w.request('POST', '/api/auth/mfa/enrol', { cookie: u.cookie })).json.code, 'MFA_ALREADY_ENABLED');

  // The password alone gives no session, only a pending sign-in.
  const first = await w.request('POST', '/api/auth/login', { body: { email: u.email, password: u.password } });
  t.equal(first.status, 202);
  t.equal(first.json.status, 'mfa_required');
  t.notOk(/sid=[A-Za-z0-9_-]/.test(first.headers.get('set-cookie') ?? ''), 'no session cookie before the code');
  const mfaToken = first.json.mfaToken as string;
  t.equal((await w.request('GET', '/api/me', { cookie: `sid=${mfaToken}` })).status, 401, 'the pending token is not a session');

  const sameStep = await w.request('POST', '/api/auth/login/mfa', { body: { mfaToken, code: totpCode(secret, w.clock.now) } });
  t.equal(sameStep.status, 401, 'the code used to confirm is not accepted again (replay)');
  t.equal(sameStep.json.code, 'INVALID_MFA_CODE');
  w.clock.now += STEP_MS;
  const second = await w.request('POST', '/api/auth/login/mfa', { body: { mfaToken, code: totpCode(secret, w.clock.now) } });
  t.equal(second.status, 200, second.text);
  t.equal(second.json.user.mfaEnabled, true);
  const cookie = sessionPair(second);
  t.equal((await w.request('GET', '/api/me', { cookie })).status, 200);
  const again = await w.request('POST', '/api/auth/login/mfa', { body: { mfaToken, code: totpCode(secret, w.clock.now + STEP_MS) } });
  t.equal(again.json.code, 'INVALID_TOKEN', 'the pending sign-in is single use');

  const audit = (await w.request('GET', '/api/audit', { cookie })).json.items.map((e: { action: string }) => e.action);
  for (const action of ['auth.mfa_enrolment_started', 'auth.mfa_enabled', 'auth.mfa_failed', 'auth.login']) t.ok(audit.includes(action), `${action} audited`);
  const document = (await w.request('GET', '/api/openapi.json')).json;
  // Last: no request follows the validator's compile (an idle keep-alive socket may be closed meanwhile).
  const validator = documentValidator(document);
  t.same(validator.check('POST', '/api/auth/mfa/confirm', confirm), [], 'MfaEnabled as documented');
  t.same(validator.check('POST', '/api/auth/login', first), [], 'MfaChallenge as documented');
  t.same(validator.check('POST', '/api/auth/login/mfa', second), [], 'Me as documented');
  t.same(validator.check('POST', '/api/auth/mfa/enrol', start), [], 'MfaEnrolment as documented');
});

t.test('recovery codes work once each; disabling needs the password and a code', async (t) => {
  const w = await startWorld(t);
  const u = await signIn(w, 'recovery@example.com');
  const { secret, recoveryCodes } = await enrol(w, u.cookie);
  const pending = async () => (await w.request('POST', '/api/auth/login', { body: { email: u.email, password: u.password } })).json.mfaToken as string;

  const code = recoveryCodes[0] as string;
  const viaRecovery = await w.request('POST', '/api/auth/login/mfa', { body: { mfaToken: await pending(), recoveryCode: code.toUpperCase() } });
  t.equal(viaRecovery.status, 200, 'a recovery code signs in (case does not matter)');
  const cookie = sessionPair(viaRecovery);
  const reused = await w.request('POST', '/api/auth/login/mfa', { body: { mfaToken: await pending(), recoveryCode: code } });
  t.equal(reused.status, 401, 'but only once');
  t.equal((await w.request('GET', '/api/auth/mfa', { cookie })).json.recoveryCodesLeft, 9);
  await w.settle();
  t.ok(w.mails.some((m) => m.to === u.email && /recovery code was used/i.test(m.subject)), 'the owner of the address is told');

  w.clock.now += STEP_MS;
  const noPassword = await w.request('POST', '/api/auth/mfa/disable', { cookie, body: { password: 'not the password', code: totpCode(secret, w.clock.now) } });
  t.equal(noPassword.json.code, 'WRONG_PASSWORD');
  const noCode = await w.request('POST', '/api/auth/mfa/disable', { cookie, body: { password: u.password, code: '000000' } });
  t.equal(noCode.status, 403);
  t.equal(noCode.json.code, 'INVALID_MFA_CODE');
  const disable = await w.request('POST', '/api/auth/mfa/disable', { cookie, body: { password: u.password, code: totpCode(secret, w.clock.now) } });
  t.equal(disable.status, 204);
  t.equal((await w.request('POST', '/api/auth/login', { body: { email: u.email, password: u.password } })).status, 200, 'one step again');
  const audit = (await w.request('GET', '/api/audit', { cookie })).json.items.map((e: { action: string }) => e.action);
  t.ok(audit.includes('auth.mfa_recovery_code_used'));
  t.ok(audit.includes('auth.mfa_disabled'));
});

t.test('wrong codes are throttled and a pending sign-in dies after a few', async (t) => {
  const w = await startWorld(t);
  const u = await signIn(w, 'guessed@example.com');
  await enrol(w, u.cookie);
  const mfaToken = (await w.request('POST', '/api/auth/login', { body: { email: u.email, password: u.password } })).json.mfaToken as string;
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) {
    statuses.push((await w.request('POST', '/api/auth/login/mfa', { body: { mfaToken, code: String(100000 + i) } })).status);
    w.clock.now += 120_000; // past any per-user delay: the per-pending-sign-in cap is what stops it
  }
  t.ok(statuses.includes(429) || statuses.slice(5).every((s) => s === 400), `guessing stops: ${statuses.join(',')}`);
  t.notOk(statuses.includes(200));
  t.ok(statuses.slice(0, 3).every((s) => s === 401 || s === 429), 'wrong codes are refused');
});

t.test('an owner requires MFA: members without it are sent to enrol; API tokens are not affected', async (t) => {
  const w = await startWorld(t);
  const owner = await signIn(w, 'strict-owner@example.com', 'Strict Co');
  const member = await signIn(w, 'relaxed@example.com', 'Elsewhere');
  await w.request('POST', '/api/members', { cookie: owner.cookie, body: { email: member.email, role: 'admin' } });
  const switched = await w.request('POST', '/api/auth/switch', { cookie: member.cookie, body: { tenantId: owner.tenantId } });
  t.equal(switched.status, 200, switched.text);
  const cookie = sessionPair(switched);
  const token = (await w.request('POST', '/api/tokens', { cookie, body: { name: 'script', scope: 'read' } })).json.token as string;
  t.ok(token, "the member's token in the owner's organization");

  const early = await w.request('PUT', '/api/auth/mfa/required', { cookie: owner.cookie, body: { required: true } });
  t.equal(early.json.code, 'MFA_NOT_ENABLED', 'the owner turns it on for themselves first');
  await enrol(w, owner.cookie);
  t.equal((await w.request('PUT', '/api/auth/mfa/required', { cookie: owner.cookie, body: { required: true } })).json.required, true);

  const me = await w.request('GET', '/api/me', { cookie });
  t.equal(me.json.mfaEnrolmentRequired, true, 'the member is told to enrol');
  t.equal(me.json.tenant.requireMfa, true);
  const blocked = await w.request('GET', '/api/overview', { cookie });
  t.equal(blocked.status, 403);
  t.equal(blocked.json.code, 'MFA_ENROLMENT_REQUIRED');
  const bearer = await w.request('GET', '/api/overview', { headers: { authorization: `Bearer ${token}` } });
  t.equal(bearer.status, 200, 'an API token is not affected');
  await enrol(w, cookie);
  t.equal((await w.request('GET', '/api/overview', { cookie })).status, 200, 'after enrolling');
  const team = (await w.request('GET', '/api/members', { cookie: owner.cookie })).json as { email: string; mfa: boolean }[];
  t.same(team.map((m) => [m.email, m.mfa]).sort(), [[member.email, true], [owner.email, true]].sort(), 'the team shows MFA per member');
  t.equal((await w.request('PUT', '/api/auth/mfa/required', { cookie, body: { required: false } })).status, 403, 'only owners set it');
  const audit = (await w.request('GET', '/api/audit', { cookie: owner.cookie })).json.items.map((e: { action: string }) => e.action);
  t.ok(audit.includes('tenant.mfa_requirement_changed'));
});
