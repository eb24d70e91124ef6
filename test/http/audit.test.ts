/** The audit trail: who did what, recorded from the real routes, read by owners a page at a time or as CSV. */
import t from 'tap';
import { csvCell } from '../../src/http/audit-routes.js';
import { sessionPair, signIn, startWorld } from './fixtures/harness.js';

t.test('sign-ins, failures, accounts, settings, passwords and operator restarts are recorded', async (t) => {
  const w = await startWorld(t, { mode: 'demo' });
  const a = await signIn(w, 'audited@example.com');
  const b = await signIn(w, 'other-tenant@example.com');
  const wrong = await w.request('POST', '/api/auth/login', { headers: { 'x-forwarded-for': '203.0.113.9' }, body: { email: a.email, password: 'not the password' } });
  t.equal(wrong.status, 401);
  const connect = await w.request('POST', '/api/accounts', {
    cookie: a.cookie,
    body: { name: 'Prod', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', regions: ['us-east-1'] },
  });
  const accountId = connect.json.id as string;
  await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { digestHour: 6, monthlyBudgetUsd: 50 } });
  await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { digestHour: 99 } });
  await w.request('DELETE', `/api/accounts/${accountId}`, { cookie: a.cookie });
  await w.request('POST', '/api/auth/password', { cookie: a.cookie, body: { currentPassword: a.password, newPassword: 'a brand new password' } });
  w.registry.tenantStarted(a.tenantId);
  t.equal((await w.request('POST', `/ops/tenants/${a.tenantId}/restart`, { origin: null })).status, 202);

  const page = await w.request('GET', '/api/audit', { cookie: a.cookie });
  t.equal(page.status, 200, page.text);
  const actions = page.json.items.map((e: { action: string }) => e.action);
  t.same(actions, ['operator.tenant_restarted', 'auth.password_changed', 'account.removed', 'settings.changed', 'account.connected', 'auth.login_failed', 'auth.login'], 'newest first; a refused request is not recorded');
  const byAction = Object.fromEntries(page.json.items.map((e: { action: string }) => [e.action, e]));
  t.equal(byAction['account.connected'].target, accountId);
  t.equal(byAction['account.removed'].target, accountId);
  t.same(byAction['settings.changed'].detail, { fields: 'digestHour,monthlyBudgetUsd' }, 'which fields, not their values');
  t.same(byAction['auth.login'].actor, { kind: 'user', userId: a.userId, email: a.email });
  t.equal(byAction['auth.login_failed'].actor.email, a.email);
  t.same(byAction['operator.tenant_restarted'].actor, { kind: 'operator' });
  t.notMatch(page.text, /not the password|a brand new password|correct horse/, 'no password in the trail');

  const first = await w.request('GET', '/api/audit?limit=3', { cookie: a.cookie });
  t.equal(first.json.items.length, 3);
  t.type(first.json.next, 'string');
  const second = await w.request('GET', `/api/audit?limit=3&before=${encodeURIComponent(first.json.next)}`, { cookie: a.cookie });
  t.same(second.json.items.map((e: { action: string }) => e.action), actions.slice(3, 6), 'the next page continues where the first ended');
  t.equal((await w.request('GET', '/api/audit?before=garbage', { cookie: a.cookie })).status, 400);

  const theirs = await w.request('GET', '/api/audit', { cookie: b.cookie });
  t.same(theirs.json.items.map((e: { action: string }) => e.action), ['auth.login'], "another tenant sees only its own trail");

  const csv = await w.request('GET', '/api/audit.csv', { cookie: a.cookie });
  t.equal(csv.status, 200);
  t.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
  t.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="audit-/);
  const lines = csv.text.trimEnd().split('\r\n');
  t.equal(lines[0], 'at,action,actor_kind,actor_email,actor_user_id,target,ip,detail,actor_token_id,actor_token_name');
  t.equal(lines.length, 1 + actions.length, 'one row per entry');
  t.match(lines[1], /"operator\.tenant_restarted","operator"/);
});

t.test('owners and admins read the trail; viewers do not', async (t) => {
  const w = await startWorld(t);
  const owner = await signIn(w, 'owner@example.com');
  const admin = await w.store.users.create({ tenantId: owner.tenantId, email: 'admin@example.com', password: 'admin password 1', role: 'admin' });
  await w.store.users.markEmailVerified(owner.tenantId, admin.id, admin.email);
  const adminLogin = await w.request('POST', '/api/auth/login', { body: { email: admin.email, password: 'admin password 1' } });
  t.equal((await w.request('GET', '/api/audit', { cookie: sessionPair(adminLogin) })).status, 200, 'an admin reads it');
  const member = await w.store.users.create({ tenantId: owner.tenantId, email: 'member@example.com', password: 'member password 1', role: 'viewer' });
  await w.store.users.markEmailVerified(owner.tenantId, member.id, member.email);
  const login = await w.request('POST', '/api/auth/login', { body: { email: member.email, password: 'member password 1' } });
  const cookie = sessionPair(login);
  const reply = await w.request('GET', '/api/audit', { cookie });
  t.equal(reply.status, 403);
  t.equal(reply.json.code, 'ROLE_REQUIRED');
  t.equal((await w.request('GET', '/api/audit.csv', { cookie })).status, 403);
  t.equal((await w.request('GET', '/api/audit')).status, 401);
});

t.test('CSV cells cannot become spreadsheet formulas', async (t) => {
  t.equal(csvCell('plain'), '"plain"');
  t.equal(csvCell('say "hi"'), '"say ""hi"""');
  for (const evil of ['=HYPERLINK("x")', '+1+1', '-2', '@SUM(A1)', '\tx', '\rx']) t.equal(csvCell(evil)[1], "'", JSON.stringify(evil));
});
