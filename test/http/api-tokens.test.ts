/** API tokens: scoped read/admin, shown once, last use recorded, revocable, and never more than their creator. */
import t from 'tap';
import { sessionPair, signIn, startWorld } from './fixtures/harness.js';

t.test('create, use within scope, see last use, revoke', async (t) => {
  const w = await startWorld(t);
  const owner = await signIn(w, 'scripts@example.com');
  const other = await signIn(w, 'other-scripts@example.com');
  const read = await w.request('POST', '/api/tokens', { cookie: owner.cookie, body: { name: 'dashboard export', scope: 'read' } });
  t.equal(read.status, 201, read.text);
  t.match(read.json.token, /^cht_[A-Za-z0-9_-]{40,}$/);
  const admin = await w.request('POST', '/api/tokens', { cookie: owner.cookie, body: { name: 'terraform', scope: 'admin' } });
  const bearer = (token: string) => ({ origin: null, headers: { authorization: `Bearer ${token}` } });

  const list = await w.request('GET', '/api/tokens', { cookie: owner.cookie });
  t.same(list.json.map((k: { name: string; scope: string }) => [k.name, k.scope]), [['dashboard export', 'read'], ['terraform', 'admin']]);
  t.notMatch(list.text, /cht_/, 'the secrets are not listed');
  t.notOk(list.json[0].lastUsedAt, 'not used yet');

  w.clock.now += 5_000;
  t.equal((await w.request('GET', '/api/accounts', bearer(read.json.token))).status, 200, 'a read token reads');
  const write = await w.request('POST', '/api/accounts', { ...bearer(read.json.token), body: { name: 'X', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', regions: ['us-east-1'] } });
  t.equal(write.status, 403);
  t.equal(write.json.code, 'TOKEN_SCOPE', 'but changes nothing');
  const me = await w.request('GET', '/api/auth/sessions', bearer(read.json.token));
  t.equal(me.json.code, 'TOKEN_NOT_ALLOWED', 'nor reaches sign-ins');
  const connect = await w.request('POST', '/api/accounts', { ...bearer(admin.json.token), body: { name: 'X', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', regions: ['us-east-1'] } });
  t.equal(connect.status, 201, 'an admin token connects an account');
  t.equal((await w.request('POST', '/api/members', { ...bearer(admin.json.token), body: { email: 'x@example.com', role: 'owner' } })).json.code, 'TOKEN_NOT_ALLOWED', 'nor manages people');
  t.equal((await w.request('POST', '/api/tokens', { ...bearer(admin.json.token), body: { name: 'y', scope: 'admin' } })).json.code, 'TOKEN_NOT_ALLOWED', 'nor mints tokens');
  const email = await w.request('PUT', '/api/settings', { ...bearer(admin.json.token), body: { email: 'attacker@example.com' } });
  t.equal(email.json.code, 'TOKEN_NOT_ALLOWED', "nor changes its creator's email address");
  const audit = await w.request('GET', '/api/audit', bearer(admin.json.token));
  t.equal(audit.status, 200);
  t.ok(audit.json.items.some((e: { action: string }) => e.action === 'token.created'), 'creation is audited');

  const used = (await w.request('GET', '/api/tokens', { cookie: owner.cookie })).json;
  t.equal(used[0].lastUsedAt, new Date(w.clock.now).toISOString(), 'the last use is recorded');

  t.equal((await w.request('DELETE', `/api/tokens/${read.json.id}`, { cookie: other.cookie })).status, 404, "another tenant cannot revoke it");
  t.equal((await w.request('DELETE', `/api/tokens/${read.json.id}`, { cookie: owner.cookie })).status, 204);
  t.equal((await w.request('GET', '/api/accounts', bearer(read.json.token))).status, 401, 'a revoked token is refused');
  t.equal((await w.request('GET', '/api/accounts', bearer('cht_' + 'x'.repeat(43)))).status, 401, 'a made-up token is refused');
  t.equal((await w.request('GET', '/api/accounts', bearer(admin.json.token))).status, 200, 'the other token still works');
});

t.test('a token is never more than its creator', async (t) => {
  const w = await startWorld(t);
  const owner = await signIn(w, 'boss-tokens@example.com');
  const adminUser = await w.store.users.create({ tenantId: owner.tenantId, email: 'admin-tokens@example.com', password: 'admin password 1', role: 'admin' });
  const created = await w.store.apiTokens.create({ tenantId: owner.tenantId, userId: adminUser.id, name: 'x', scope: 'admin' });
  await w.store.users.setRole(owner.tenantId, adminUser.id, 'viewer');
  const reply = await w.request('POST', '/api/accounts', { origin: null, headers: { authorization: `Bearer ${created.token}` }, body: { name: 'X', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', regions: ['us-east-1'] } });
  t.equal(reply.status, 403, 'its creator was demoted to viewer, so is the token');
  t.equal(reply.json.code, 'ROLE_REQUIRED');
});

t.test('what a token does is audited under the token, not only its creator', async (t) => {
  const w = await startWorld(t);
  const owner = await signIn(w, 'audited-scripts@example.com');
  const created = await w.request('POST', '/api/tokens', { cookie: owner.cookie, body: { name: 'terraform', scope: 'admin' } });
  t.equal(created.status, 201);
  const bearer = { origin: null, headers: { authorization: `Bearer ${created.json.token}` } };
  const connect = await w.request('POST', '/api/accounts', { ...bearer, body: { name: 'X', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', regions: ['us-east-1'] } });
  t.equal(connect.status, 201);
  const channel = await w.request('POST', '/api/channels', { ...bearer, body: { kind: 'slack', name: 'ops slack', url: 'https://hooks.slack.com/services/T000/B000/abcdefghijklmnopWXYZ' } });
  t.equal(channel.status, 201, channel.text);

  const items = (await w.request('GET', '/api/audit', { cookie: owner.cookie })).json.items as { action: string; actor: Record<string, string> }[];
  const byAction = Object.fromEntries(items.map((e) => [e.action, e]));
  const viaToken = { kind: 'user', userId: owner.userId, email: owner.email, tokenId: created.json.id, tokenName: 'terraform' };
  t.same(byAction['account.connected']?.actor, viaToken, 'a change made by the middleware names the token');
  t.same(byAction['channel.added']?.actor, viaToken, 'a change a handler records names the token');
  t.same(byAction['token.created']?.actor, { kind: 'user', userId: owner.userId, email: owner.email }, 'a change by the person names no token');

  const csv = (await w.request('GET', '/api/audit.csv', { cookie: owner.cookie })).text.trimEnd().split('\r\n');
  t.equal(csv[0], 'at,action,actor_kind,actor_email,actor_user_id,target,ip,detail,actor_token_id,actor_token_name', 'the token columns come last, so existing columns keep their places');
  const row = csv.find((line) => line.includes('"account.connected"'));
  t.match(row, new RegExp(`"${created.json.id}","terraform"$`), 'the CSV row names the token');
});

t.test("a member's tokens end with their membership, and do not come back with a new one", async (t) => {
  const w = await startWorld(t);
  const owner = await signIn(w, 'token-owner@example.com', 'Owner Co');
  const member = await signIn(w, 'token-member@example.com', 'Member Co');
  await w.request('POST', '/api/members', { cookie: owner.cookie, body: { email: member.email, role: 'admin' } });
  const there = sessionPair(await w.request('POST', '/api/auth/switch', { cookie: member.cookie, body: { tenantId: owner.tenantId } }));
  const created = await w.request('POST', '/api/tokens', { cookie: there, body: { name: 'member script', scope: 'admin' } });
  t.equal(created.status, 201);
  const bearer = { origin: null, headers: { authorization: `Bearer ${created.json.token}` } };
  t.equal((await w.request('GET', '/api/accounts', bearer)).status, 200);

  t.equal((await w.request('DELETE', `/api/members/${member.userId}`, { cookie: owner.cookie })).status, 204);
  t.equal((await w.request('GET', '/api/accounts', bearer)).status, 401, 'refused once the member is removed');
  t.same((await w.request('GET', '/api/tokens', { cookie: owner.cookie })).json, [], 'and no longer listed');
  await w.request('POST', '/api/members', { cookie: owner.cookie, body: { email: member.email, role: 'admin' } });
  t.equal((await w.request('GET', '/api/accounts', bearer)).status, 401, 'inviting the person again does not revive the token');
});
