/**
 * Every route enforces its role: each operation of /api/openapi.json that needs a session is
 * called by an owner, an admin and a viewer of the same tenant; exactly those below the
 * operation's `x-role` get 403 ROLE_REQUIRED. Bodies are deliberately invalid, so an allowed call
 * stops at validation and changes nothing.
 */
import t from 'tap';
import type { Role } from '../../src/http/route-spec.js';
import { sessionPair, signIn, startWorld, type World } from './fixtures/harness.js';

const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };

async function member(w: World, tenantId: string, email: string, role: Role): Promise<string> {
  const user = await w.store.users.create({ tenantId, email, password: 'member password 1', role });
  await w.store.users.markEmailVerified(tenantId, user.id, user.email);
  const login = await w.request('POST', '/api/auth/login', { body: { email, password: 'member password 1' } });
  if (login.status !== 200) throw new Error(`login ${email}: ${login.status}`);
  return sessionPair(login);
}

t.test('every session route with every role', async (t) => {
  const w = await startWorld(t);
  const owner = await signIn(w, 'owner@example.com');
  const cookies: Record<Role, string> = {
    owner: owner.cookie,
    admin: await member(w, owner.tenantId, 'admin@example.com', 'admin'),
    viewer: await member(w, owner.tenantId, 'viewer@example.com', 'viewer'),
  };
  const document = (await w.request('GET', '/api/openapi.json')).json;
  let checked = 0;
  for (const [template, operations] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!operation.security?.some((s: object) => 'session' in s)) continue;
      const required = operation['x-role'] as Role;
      t.ok(required in RANK, `${method} ${template} declares its role (${required})`);
      const path = template.replace(/\{[^}]+\}/g, 'no-such-id');
      for (const role of ['viewer', 'admin', 'owner'] as Role[]) {
        const reply = await w.request(method.toUpperCase(), path, { cookie: cookies[role], ...(method === 'get' || method === 'delete' ? {} : { body: { __invalid: true } }) });
        const refused = reply.status === 403 && reply.json?.code === 'ROLE_REQUIRED';
        t.equal(refused, RANK[role] < RANK[required], `${role} ${method.toUpperCase()} ${template} -> ${reply.status}`);
        checked += 1;
      }
    }
  }
  t.ok(checked >= 57, `${checked} calls`);
  t.equal(document.paths['/api/accounts'].post['x-role'], 'admin', 'connecting an account needs admin');
  t.equal(document.paths['/api/audit'].get['x-role'], 'admin', 'the audit trail needs admin');
  t.equal(document.paths['/api/accounts'].get['x-role'], 'viewer', 'reading needs only viewer');
});

t.test("a viewer changes their own settings but not the tenant's budget", async (t) => {
  const w = await startWorld(t);
  const owner = await signIn(w, 'owner2@example.com');
  const viewer = await member(w, owner.tenantId, 'viewer2@example.com', 'viewer');
  const own = await w.request('PUT', '/api/settings', { cookie: viewer, body: { digestHour: 5 } });
  t.equal(own.status, 200);
  const budget = await w.request('PUT', '/api/settings', { cookie: viewer, body: { digestHour: 6, monthlyBudgetUsd: 10 } });
  t.equal(budget.status, 403);
  t.equal(budget.json.code, 'ROLE_REQUIRED');
  t.equal((await w.request('GET', '/api/settings', { cookie: viewer })).json.digestHour, 5, 'nothing of the refused request was saved');
  const connect = await w.request('POST', '/api/accounts', { cookie: viewer, body: { name: 'X', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', regions: ['us-east-1'] } });
  t.equal(connect.status, 403, 'a viewer cannot connect an account');
  t.equal((await w.request('GET', '/api/accounts', { cookie: owner.cookie })).json.length, 0);
});
