/** Teams: invite by email with a role, accept through the emailed link, change roles, leave; the last owner stays. */
import t from 'tap';
import { sessionPair, signIn, startWorld, type World } from './fixtures/harness.js';

function inviteToken(w: World, to: string): string {
  const mail = [...w.mails].reverse().find((m) => m.to === to && /reset\?token=/.test(m.text));
  const match = /\/reset\?token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '');
  if (!match?.[1]) throw new Error(`no invitation mailed to ${to}`);
  return match[1];
}

async function accept(w: World, email: string, password: string): Promise<string> {
  const reset = await w.request('POST', '/api/auth/reset', { body: { token: inviteToken(w, email), password } });
  if (reset.status !== 200) throw new Error(`accept ${email}: ${reset.status} ${reset.text}`);
  const login = await w.request('POST', '/api/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login ${email}: ${login.status} ${login.text}`);
  return sessionPair(login);
}

t.test('invite, accept, roles, and the last owner', async (t) => {
  const w = await startWorld(t);
  const owner = await signIn(w, 'founder@example.com', 'Team Co');
  const outsider = await signIn(w, 'outsider@example.com', 'Elsewhere');
  w.clock.now += 1_000;

  const invite = await w.request('POST', '/api/members', { cookie: owner.cookie, body: { email: 'Colleague@Example.com', role: 'admin' } });
  t.equal(invite.status, 202);
  t.same(invite.json, { status: 'invited', email: 'colleague@example.com' });
  const existing = await w.request('POST', '/api/members', { cookie: owner.cookie, body: { email: outsider.email, role: 'viewer' } });
  t.same(existing.json, { status: 'invited', email: outsider.email }, 'the same answer for an address that has an account');
  await w.settle();
  t.match(w.mails.find((m) => m.to === 'colleague@example.com')?.subject ?? '', /invited to Team Co/);
  t.match(w.mails.find((m) => m.to === outsider.email && /added to/.test(m.subject))?.text ?? '', /added to Team Co/, 'an existing account is added and told');

  let members = (await w.request('GET', '/api/members', { cookie: owner.cookie })).json;
  t.same(members.map((m: { email: string; role: string; active: boolean }) => [m.email, m.role, m.active]), [
    ['founder@example.com', 'owner', true],
    ['colleague@example.com', 'admin', false],
    [outsider.email, 'viewer', true],
  ], 'the invitee waits, inactive; the account that exists is a member at once (issue 13: several organizations per user)');
  t.equal((await w.request('POST', '/api/auth/login', { body: { email: 'colleague@example.com', password: 'anything at all' } })).status, 401, 'no password before accepting');

  const colleague = await accept(w, 'colleague@example.com', 'colleague password 1');
  const me = (await w.request('GET', '/api/me', { cookie: colleague })).json;
  t.equal(me.tenant.id, owner.tenantId, "the colleague is in the owner's tenant");
  t.equal((await w.request('GET', '/api/audit', { cookie: colleague })).status, 200, 'an admin reads the audit trail');
  const adminInvites = await w.request('POST', '/api/members', { cookie: colleague, body: { email: 'x@example.com', role: 'viewer' } });
  t.equal(adminInvites.status, 403, 'only owners invite');
  members = (await w.request('GET', '/api/members', { cookie: owner.cookie })).json;
  const colleagueId = members.find((m: { email: string }) => m.email === 'colleague@example.com').id as string;

  const leaveAlone = await w.request('DELETE', `/api/members/${owner.userId}`, { cookie: owner.cookie });
  t.equal(leaveAlone.status, 409);
  t.equal(leaveAlone.json.code, 'LAST_OWNER');
  const demoteSelf = await w.request('PATCH', `/api/members/${owner.userId}`, { cookie: owner.cookie, body: { role: 'viewer' } });
  t.equal(demoteSelf.json.code, 'LAST_OWNER', 'nor be demoted');
  const promote = await w.request('PATCH', `/api/members/${colleagueId}`, { cookie: owner.cookie, body: { role: 'owner' } });
  t.equal(promote.status, 200);
  t.equal(promote.json.role, 'owner');
  t.equal((await w.request('DELETE', `/api/members/${owner.userId}`, { cookie: owner.cookie })).status, 204, 'with another owner, the founder can leave');
  t.equal((await w.request('GET', '/api/me', { cookie: owner.cookie })).status, 401, "the leaver's sessions end");
  t.same((await w.request('GET', '/api/members', { cookie: colleague })).json.map((m: { email: string }) => m.email), ['colleague@example.com', outsider.email]);

  const audit = (await w.request('GET', '/api/audit', { cookie: colleague })).json.items.map((e: { action: string }) => e.action);
  for (const action of ['member.invited', 'member.joined', 'member.role_changed', 'member.left']) t.ok(audit.includes(action), `${action} is in the audit trail`);
  t.notOk(audit.includes('auth.password_reset'), 'accepting an invitation is a join, not a password reset');
});

t.test('a viewer may leave but not remove anyone; other tenants are out of reach', async (t) => {
  const w = await startWorld(t);
  const owner = await signIn(w, 'boss@example.com');
  const other = await signIn(w, 'other-boss@example.com');
  await w.request('POST', '/api/members', { cookie: owner.cookie, body: { email: 'reader@example.com', role: 'viewer' } });
  await w.settle();
  const reader = await accept(w, 'reader@example.com', 'reader password 1');
  const remove = await w.request('DELETE', `/api/members/${owner.userId}`, { cookie: reader });
  t.equal(remove.status, 403);
  t.equal((await w.request('DELETE', `/api/members/${other.userId}`, { cookie: owner.cookie })).status, 404, "another tenant's user is not a member here");
  t.equal((await w.request('PATCH', `/api/members/${other.userId}`, { cookie: owner.cookie, body: { role: 'viewer' } })).status, 404);
  const readerId = (await w.request('GET', '/api/members', { cookie: reader })).json.find((m: { email: string }) => m.email === 'reader@example.com').id;
  t.equal((await w.request('DELETE', `/api/members/${readerId}`, { cookie: reader })).status, 204, 'a viewer leaves');
  t.equal((await w.request('GET', '/api/me', { cookie: reader })).status, 401);
});
