/** Several organizations per user: invitation of an existing account, switching, isolation, leaving. */
import t from 'tap';
import { sessionPair, signIn, startWorld } from './fixtures/harness.js';
import { seed } from './fixtures/seed.js';

t.test('a member of two organizations reads only the current one, whatever ids they send', async (t) => {
  const w = await startWorld(t);
  const { a: dataOwner, b: member, accountId } = await seed(w);
  await w.request('POST', '/api/members', { cookie: dataOwner.cookie, body: { email: member.email, role: 'admin' } });
  await w.settle();
  t.ok(w.mails.some((m) => m.to === member.email && /added to Acme/.test(m.subject)), 'the existing account is told it was added');

  const me = (await w.request('GET', '/api/me', { cookie: member.cookie })).json;
  t.equal(me.tenant.id, member.tenantId, 'still in their own organization');
  t.same(me.memberships.map((m: { tenantId: string; role: string; current: boolean }) => [m.tenantId, m.role, m.current]), [
    [member.tenantId, 'owner', true],
    [dataOwner.tenantId, 'admin', false],
  ]);

  // In their own organization, the other one's ids reach nothing.
  const home = member.cookie;
  t.same((await w.request('GET', '/api/accounts', { cookie: home })).json, [], "no account of the other organization is listed");
  t.equal((await w.request('PATCH', `/api/accounts/${accountId}`, { cookie: home, body: { name: 'Hijacked' } })).status, 404);
  t.equal((await w.request('DELETE', `/api/accounts/${accountId}`, { cookie: home })).status, 404);
  t.same((await w.request('GET', '/api/findings', { cookie: home })).json.items, [], 'no findings of the other organization');
  t.equal((await w.request('GET', `/api/members`, { cookie: home })).json.length, 1, "nor its members");
  t.equal((await w.request('DELETE', `/api/members/${dataOwner.userId}`, { cookie: home })).status, 404);
  t.equal((await w.request('POST', '/api/auth/switch', { cookie: home, body: { tenantId: 't-not-a-member' } })).status, 404);

  const switched = await w.request('POST', '/api/auth/switch', { cookie: home, body: { tenantId: dataOwner.tenantId } });
  t.equal(switched.status, 200, switched.text);
  t.equal(switched.json.tenant.id, dataOwner.tenantId);
  t.equal(switched.json.role, 'admin');
  const there = sessionPair(switched);
  t.equal((await w.request('GET', '/api/me', { cookie: home })).status, 401, 'the switch replaced the old session');
  t.same((await w.request('GET', '/api/accounts', { cookie: there })).json.map((a: { id: string }) => a.id), [accountId], 'the current organization is readable');
  t.ok((await w.request('GET', '/api/findings', { cookie: there })).json.items.length > 0);
  const audit = (await w.request('GET', '/api/audit', { cookie: dataOwner.cookie })).json.items as { action: string; actor: { userId?: string } }[];
  t.ok(audit.some((e) => e.action === 'auth.organization_switched' && e.actor.userId === member.userId), 'the switch is audited');

  // Back home: the data organization is out of reach again.
  const back = sessionPair(await w.request('POST', '/api/auth/switch', { cookie: there, body: { tenantId: member.tenantId } }));
  t.equal((await w.request('PATCH', `/api/accounts/${accountId}`, { cookie: back, body: { name: 'Hijacked' } })).status, 404);
  t.equal((await w.request('GET', '/api/accounts', { cookie: dataOwner.cookie })).json[0].name, 'Prod', 'nothing changed');
});

t.test('sessions of every organization end together; leaving one keeps the others; the last owner stays', async (t) => {
  const w = await startWorld(t);
  const owner = await signIn(w, 'org-owner@example.com', 'Org One');
  const member = await signIn(w, 'org-member@example.com', 'Org Two');
  await w.request('POST', '/api/members', { cookie: owner.cookie, body: { email: member.email, role: 'viewer' } });
  const login = async () => sessionPair(await w.request('POST', '/api/auth/login', { body: { email: member.email, password: member.password } }));
  const inOne = sessionPair(await w.request('POST', '/api/auth/switch', { cookie: await login(), body: { tenantId: owner.tenantId } }));
  const inTwo = await login();
  const listed = (await w.request('GET', '/api/auth/sessions', { cookie: inTwo })).json as { current: boolean }[];
  t.ok(listed.length >= 2, 'the sessions list holds the sessions of both organizations');
  const ended = await w.request('DELETE', '/api/auth/sessions', { cookie: inTwo });
  t.ok(ended.json.sessionsEnded >= 1);
  t.equal((await w.request('GET', '/api/me', { cookie: inOne })).status, 401, 'sign out everywhere reaches the other organization');

  const again = sessionPair(await w.request('POST', '/api/auth/switch', { cookie: inTwo, body: { tenantId: owner.tenantId } }));
  const leave = await w.request('DELETE', `/api/members/${member.userId}`, { cookie: again });
  t.equal(leave.status, 204, 'a member leaves an organization');
  t.equal((await w.request('GET', '/api/overview', { cookie: again })).status, 401, 'their session there ends with the membership');
  const after = await w.request('POST', '/api/auth/login', { body: { email: member.email, password: member.password } });
  t.equal(after.status, 200, 'the sign-in itself stays');
  t.same(after.json.memberships.map((m: { tenantId: string }) => m.tenantId), [member.tenantId]);
  t.same((await w.request('GET', '/api/members', { cookie: owner.cookie })).json.map((m: { email: string }) => m.email), [owner.email]);
  const ownerLeaves = await w.request('DELETE', `/api/members/${owner.userId}`, { cookie: owner.cookie });
  t.equal(ownerLeaves.json.code, 'LAST_OWNER', 'the last owner cannot leave');

  // Leaving one's home organization while a member elsewhere keeps the account.
  await w.request('POST', '/api/members', { cookie: owner.cookie, body: { email: member.email, role: 'owner' } });
  const home = sessionPair(after);
  await w.request('POST', '/api/members', { cookie: home, body: { email: owner.email, role: 'owner' } });
  t.equal((await w.request('DELETE', `/api/members/${member.userId}`, { cookie: home })).status, 204, 'leaves the organization they signed up in');
  const relogin = await w.request('POST', '/api/auth/login', { body: { email: member.email, password: member.password } });
  t.equal(relogin.status, 200);
  t.equal(relogin.json.tenant.id, owner.tenantId, 'and lands in the one they still belong to');
  t.equal(relogin.json.role, 'owner');
});

t.test("failed sign-ins and resets reach the trail of every organization the address belongs to, not of one it left; unknown addresses only the operator's counter", async (t) => {
  const w = await startWorld(t);
  const one = await signIn(w, 'trail-one@example.com', 'Org One');
  const person = await signIn(w, 'trail-person@example.com', 'Home Org');
  await w.request('POST', '/api/members', { cookie: one.cookie, body: { email: person.email, role: 'viewer' } });
  await w.request('POST', '/api/members', { cookie: person.cookie, body: { email: one.email, role: 'owner' } });
  const oneAtHome = sessionPair(await w.request('POST', '/api/auth/switch', { cookie: one.cookie, body: { tenantId: person.tenantId } }));
  const oneInOne = sessionPair(await w.request('POST', '/api/auth/login', { body: { email: one.email, password: one.password } }));
  t.equal((await w.request('DELETE', `/api/members/${person.userId}`, { cookie: person.cookie })).status, 204, 'the person leaves the organization they signed up in');

  t.equal((await w.request('POST', '/api/auth/login', { body: { email: person.email, password: 'not the password' } })).status, 401);
  const token = await w.store.tokens.issue({ purpose: 'reset_password', tenantId: person.tenantId, userId: person.userId, email: person.email, ttlMs: 3_600_000 });
  t.equal((await w.request('POST', '/api/auth/reset', { body: { token, password: 'another horse battery' } })).status, 200);
  t.equal((await w.request('POST', '/api/auth/login', { body: { email: 'nobody-here@example.com', password: 'not the password' } })).status, 401);

  type Entry = { action: string; actor: { email?: string } };
  const about = async (cookie: string) =>
    ((await w.request('GET', '/api/audit', { cookie })).json.items as Entry[]).filter((e) => e.actor.email === person.email && ['auth.login_failed', 'auth.password_reset'].includes(e.action)).map((e) => e.action);
  t.same(await about(oneInOne), ['auth.password_reset', 'auth.login_failed'], 'the organization the person belongs to sees the failure and the reset');
  t.same(await about(oneAtHome), [], 'the organization they left sees neither');
  const everywhere = JSON.stringify([(await w.request('GET', '/api/audit', { cookie: oneInOne })).json, (await w.request('GET', '/api/audit', { cookie: oneAtHome })).json]);
  t.notMatch(everywhere, /nobody-here/, 'an unknown address is in no trail');
  const metrics = await w.request('GET', '/metrics', { origin: null });
  t.match(metrics.text, /cloud_health_login_failures_total\{address="unknown"\} 1\b/, 'the operator counts failures for unknown addresses');
  t.match(metrics.text, /cloud_health_login_failures_total\{address="known"\} 1\b/, 'and for known ones');
});
