/** Password reset by emailed link, password change, and the sessions list with "sign out everywhere". */
import t from 'tap';
import type { MailMessage } from '../../src/aws/index.js';
import { sessionPair, signIn, startWorld, type World } from './fixtures/harness.js';

function resetToken(mails: readonly MailMessage[], to: string): string {
  const mail = [...mails].reverse().find((m) => m.to === to && /reset\?token=/.test(m.text));
  const match = /\/reset\?token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '');
  if (!match?.[1]) throw new Error(`no reset link mailed to ${to}`);
  return match[1];
}

const login = async (w: World, email: string, password: string, userAgent = 'test-browser/1') => {
  const reply = await w.request('POST', '/api/auth/login', { headers: { 'user-agent': userAgent }, body: { email, password } });
  return reply.status === 200 ? sessionPair(reply) : undefined;
};

t.test('reset: emailed single-use link, 1 hour, ends every session', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'forgot@example.com');
  const second = await login(w, a.email, a.password);
  const before = w.mails.length;
  const unknown = await w.request('POST', '/api/auth/reset/request', { body: { email: 'nobody@example.com' } });
  const known = await w.request('POST', '/api/auth/reset/request', { body: { email: 'Forgot@Example.com' } });
  t.equal(known.status, 202);
  t.same(known.json, unknown.json, 'the same answer for an unknown address');
  await w.settle();
  t.same(w.mails.slice(before).map((m) => m.to), ['forgot@example.com'], 'one mail, to the registered address only');
  const token = resetToken(w.mails, a.email);
  t.match(w.mails.at(-1)?.text ?? '', /http:\/\/cloud-health\.test\/reset\?token=/, 'the link is on the public URL');

  const weak = await w.request('POST', '/api/auth/reset', { body: { token, password: 'short' } });
  t.equal(weak.status, 400, 'the password policy applies');
  const reset = await w.request('POST', '/api/auth/reset', { body: { token, password: 'a brand new password' } });
  t.equal(reset.status, 200, reset.text);
  t.same(reset.json, { status: 'password_updated', sessionsEnded: 2 });
  t.equal((await w.request('GET', '/api/me', { cookie: a.cookie })).status, 401, 'the first session ended');
  t.equal((await w.request('GET', '/api/me', { cookie: second! })).status, 401, 'the second too');
  t.equal(await login(w, a.email, a.password), undefined, 'the old password no longer works');
  t.ok(await login(w, a.email, 'a brand new password'), 'the new one does');
  const again = await w.request('POST', '/api/auth/reset', { body: { token, password: 'yet another password' } });
  t.equal(again.status, 400, 'the link is single use');
  t.equal(again.json.code, 'INVALID_TOKEN');
  await w.settle();
  t.match(w.mails.at(-1)?.subject ?? '', /password was changed/, 'the address is told of the change');

  await w.request('POST', '/api/auth/reset/request', { body: { email: a.email } });
  await w.settle();
  const late = resetToken(w.mails, a.email);
  w.clock.now += 61 * 60_000;
  const expired = await w.request('POST', '/api/auth/reset', { body: { token: late, password: 'too late password' } });
  t.equal(expired.status, 400, 'the link expires after an hour');
});

t.test('a reset link sent before an email change resets nothing', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'before@example.com');
  await w.request('POST', '/api/auth/reset/request', { body: { email: a.email } });
  await w.settle();
  const token = resetToken(w.mails, a.email);
  await w.store.users.changeEmail(a.tenantId, a.userId, 'after@example.com');
  const reply = await w.request('POST', '/api/auth/reset', { body: { token, password: 'a brand new password' } });
  t.equal(reply.status, 400);
});

t.test('change password: the current one is required; other sessions end, this one stays', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'change@example.com');
  const other = await login(w, a.email, a.password, 'other-browser/2');
  const wrong = await w.request('POST', '/api/auth/password', { cookie: a.cookie, body: { currentPassword: 'not it at all', newPassword: 'a brand new password' } });
  t.equal(wrong.status, 403);
  t.equal(wrong.json.code, 'WRONG_PASSWORD');
  const changed = await w.request('POST', '/api/auth/password', { cookie: a.cookie, body: { currentPassword: a.password, newPassword: 'a brand new password' } });
  t.equal(changed.status, 200, changed.text);
  t.same(changed.json, { status: 'password_updated', sessionsEnded: 1 });
  t.equal((await w.request('GET', '/api/me', { cookie: a.cookie })).status, 200, 'this session stays');
  t.equal((await w.request('GET', '/api/me', { cookie: other! })).status, 401, 'the other one ended');
  t.ok(await login(w, a.email, 'a brand new password'));
  const none = await w.request('POST', '/api/auth/password', { body: { currentPassword: 'x', newPassword: 'a brand new password' } });
  t.equal(none.status, 401, 'needs a session');
});

t.test('sessions: listed with the current one marked; end one; sign out everywhere else', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'sessions@example.com');
  const b = await signIn(w, 'someone-else@example.com');
  const phone = await login(w, a.email, a.password, 'phone-browser/3');
  const tablet = await login(w, a.email, a.password, 'tablet-browser/4');
  const list = await w.request('GET', '/api/auth/sessions', { cookie: a.cookie });
  t.equal(list.status, 200);
  t.equal(list.json.length, 3);
  t.equal(list.json.filter((s: { current: boolean }) => s.current).length, 1, 'one is current');
  t.same(list.json.map((s: { userAgent?: string }) => s.userAgent).sort(), ['node', 'phone-browser/3', 'tablet-browser/4'], 'each with its browser (node for the harness sign-in)');
  // Field names, not the text: a random session id may itself contain "sid".
  const fields = new Set(list.json.flatMap((s: object) => Object.keys(s)));
  t.same([...fields].sort(), ['createdAt', 'current', 'expiresAt', 'id', 'userAgent'], 'only these fields in the list');
  const token = a.cookie.split(';')[0]!.split('=')[1]!;
  t.notOk(list.text.includes(token), 'no session token in the list');

  const fromPhone = await w.request('GET', '/api/auth/sessions', { cookie: phone! });
  const phoneId = fromPhone.json.find((s: { current: boolean }) => s.current).id as string;
  const others = await w.request('DELETE', `/api/auth/sessions/${phoneId}`, { cookie: b.cookie });
  t.equal(others.status, 404, "another user cannot end this user's session");
  t.equal((await w.request('DELETE', `/api/auth/sessions/${phoneId}`, { cookie: a.cookie })).status, 204);
  t.equal((await w.request('GET', '/api/me', { cookie: phone! })).status, 401, 'the phone is signed out');
  t.equal((await w.request('DELETE', `/api/auth/sessions/${phoneId}`, { cookie: a.cookie })).status, 404, 'gone');

  const everywhere = await w.request('DELETE', '/api/auth/sessions', { cookie: a.cookie });
  t.same(everywhere.json, { sessionsEnded: 1 });
  t.equal((await w.request('GET', '/api/me', { cookie: tablet! })).status, 401, 'the tablet is signed out');
  t.equal((await w.request('GET', '/api/me', { cookie: a.cookie })).status, 200, 'this browser stays');
  t.equal((await w.request('GET', '/api/me', { cookie: b.cookie })).status, 200, 'other users are untouched');
  t.equal((await w.request('GET', '/api/auth/sessions', { cookie: a.cookie })).json.length, 1);
  await w.request('POST', '/api/auth/logout', { cookie: a.cookie });
  t.equal((await w.store.sessions.listForUser(a.tenantId, a.userId)).length, 0, 'logout removes the session from the list');
});
