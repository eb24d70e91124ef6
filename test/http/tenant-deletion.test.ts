/** An owner deletes the organization: people, tokens, accounts and monitoring go; other organizations stay. */
import t from 'tap';
import { sessionPair, signIn, startWorld } from './fixtures/harness.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/CloudHealthMonitor';

t.test('only an owner, with the password, deletes the organization; members who belong elsewhere keep the rest', async (t) => {
  const w = await startWorld(t);
  const owner = await signIn(w, 'doomed-owner@example.com', 'Doomed Co');
  const elsewhere = await signIn(w, 'elsewhere@example.com', 'Elsewhere Co');
  await w.request('POST', '/api/members', { cookie: owner.cookie, body: { email: elsewhere.email, role: 'admin' } });
  const adminHere = sessionPair(await w.request('POST', '/api/auth/switch', { cookie: elsewhere.cookie, body: { tenantId: owner.tenantId } }));
  const connect = await w.request('POST', '/api/accounts', { cookie: owner.cookie, body: { name: 'Prod', roleArn: ROLE_ARN, regions: ['us-east-1'] } });
  t.equal(connect.status, 201);
  const token = (await w.request('POST', '/api/tokens', { cookie: owner.cookie, body: { name: 'script', scope: 'read' } })).json.token as string;
  const bearer = { origin: null, headers: { authorization: `Bearer ${token}` } };
  t.equal((await w.request('GET', '/api/accounts', bearer)).status, 200);

  const byAdmin = await w.request('POST', '/api/tenant/delete', { cookie: adminHere, body: { password: elsewhere.password } });
  t.equal(byAdmin.json.code, 'ROLE_REQUIRED', 'an admin cannot');
  const byToken = await w.request('POST', '/api/tenant/delete', { ...bearer, body: { password: owner.password } });
  t.equal(byToken.status, 403, 'nor a token');
  const wrong = await w.request('POST', '/api/tenant/delete', { cookie: owner.cookie, body: { password: 'not the password' } });
  t.equal(wrong.status, 403);
  t.equal(wrong.json.code, 'WRONG_PASSWORD', 'the owner must give the password again');
  t.equal((await w.request('GET', '/api/accounts', { cookie: owner.cookie })).status, 200, 'nothing happened yet');

  const deleted = await w.request('POST', '/api/tenant/delete', { cookie: owner.cookie, body: { password: owner.password } });
  t.equal(deleted.status, 204, deleted.text);
  t.match(deleted.headers.get('set-cookie') ?? '', /sid=;/, 'the cookie is cleared');
  t.equal(await w.store.tenants.get(owner.tenantId), undefined, 'the tenant, its accounts and their credentials are gone');
  t.same(await w.store.users.listByTenant(owner.tenantId), [], 'so are its members');
  t.same(await w.store.apiTokens.list(owner.tenantId), [], 'and its tokens');
  t.equal((await w.request('GET', '/api/accounts', bearer)).status, 401, 'a token of it is refused');
  t.equal((await w.request('GET', '/api/me', { cookie: owner.cookie })).status, 401, "the owner's session ended");
  t.equal((await w.request('GET', '/api/overview', { cookie: adminHere })).status, 401, "a member's session in it ended");
  t.equal((await w.request('POST', '/api/auth/login', { body: { email: owner.email, password: owner.password } })).status, 401, 'an owner who belonged nowhere else has no account left');
  const fresh = await w.request('POST', '/api/auth/signup', { body: { email: owner.email, password: 'a new start 12345', organization: 'Phoenix' } });
  t.equal(fresh.status, 201, 'and may sign up again with the address');

  const back = await w.request('POST', '/api/auth/login', { body: { email: elsewhere.email, password: elsewhere.password } });
  t.equal(back.status, 200, 'a member who belongs elsewhere still signs in');
  t.same(back.json.memberships.map((m: { tenantId: string }) => m.tenantId), [elsewhere.tenantId], 'to the organizations left');
});
