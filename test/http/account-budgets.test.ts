/**
 * PUT /api/accounts/:id/budget: an admin sets or removes an account's monthly budget; invalid
 * figures (anything DynamoDB cannot store, or no budget at all) are 400 VALIDATION_FAILED before
 * anything is written; another tenant's or an unknown account is 404; a viewer gets 403. The
 * budget shows on the account and, with where the month stands, in /api/costs.
 */
import t from 'tap';
import { sessionPair, signIn, startWorld } from './fixtures/harness.js';

t.test('set, show, validate and remove an account budget', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'budgets@example.com');
  const connect = await w.request('POST', '/api/accounts', { cookie: a.cookie, body: { name: 'prod', roleArn: 'arn:aws:iam::210987654321:role/CloudHealthMonitor', regions: ['us-east-1'] } });
  t.equal(connect.status, 201);
  const id = connect.json.id as string;
  t.notOk('monthlyBudgetUsd' in connect.json, 'no budget until one is set');

  const set = await w.request('PUT', `/api/accounts/${id}/budget`, { cookie: a.cookie, body: { monthlyBudgetUsd: 250.5 } });
  t.equal(set.status, 200);
  t.equal(set.json.monthlyBudgetUsd, 250.5);
  const listed = (await w.request('GET', '/api/accounts', { cookie: a.cookie })).json;
  t.equal((Array.isArray(listed) ? listed : listed.items).find((x: { id: string }) => x.id === id).monthlyBudgetUsd, 250.5, 'listed with the account');
  const costs = await w.request('GET', '/api/costs', { cookie: a.cookie });
  t.equal(costs.status, 200);
  t.match(costs.json.budgets, [{ accountId: id, budgetUsd: 250.5 }], "the account's budget in /api/costs");

  for (const body of [{ monthlyBudgetUsd: 0 }, { monthlyBudgetUsd: -5 }, { monthlyBudgetUsd: 0.001 }, { monthlyBudgetUsd: 1e10 }, { monthlyBudgetUsd: 5e-324 }, { monthlyBudgetUsd: '12' }, {}, { monthlyBudgetUsd: 12, extra: 1 }]) {
    const reply = await w.request('PUT', `/api/accounts/${id}/budget`, { cookie: a.cookie, body });
    t.equal(reply.status, 400, JSON.stringify(body));
    t.equal(reply.json?.code, 'VALIDATION_FAILED', JSON.stringify(body));
  }
  const raw = await w.request('PUT', `/api/accounts/${id}/budget`, { cookie: a.cookie, raw: '{"monthlyBudgetUsd": 1e400}', contentType: 'application/json' });
  t.ok(raw.status >= 400 && raw.status < 500, `an overflowing number is a 4xx (${raw.status})`);
  t.equal((await w.store.tenants.get(a.tenantId))!.accounts[0]!.monthlyBudgetUsd, 250.5, 'nothing invalid was saved');

  t.equal((await w.request('PUT', '/api/accounts/a-nope/budget', { cookie: a.cookie, body: { monthlyBudgetUsd: 5 } })).status, 404, 'unknown account');
  const other = await signIn(w, 'other@example.com', 'Other');
  const foreign = await w.request('PUT', `/api/accounts/${id}/budget`, { cookie: other.cookie, body: { monthlyBudgetUsd: 5 } });
  t.equal(foreign.status, 404, "another tenant's account is unknown");
  t.equal(foreign.json.code, 'NOT_FOUND');

  const user = await w.store.users.create({ tenantId: a.tenantId, email: 'viewer@example.com', password: 'member password 1', role: 'viewer' });
  await w.store.users.markEmailVerified(a.tenantId, user.id, user.email);
  const viewer = sessionPair(await w.request('POST', '/api/auth/login', { body: { email: 'viewer@example.com', password: 'member password 1' } }));
  const refused = await w.request('PUT', `/api/accounts/${id}/budget`, { cookie: viewer, body: { monthlyBudgetUsd: 5 } });
  t.equal(refused.status, 403);
  t.equal(refused.json.code, 'ROLE_REQUIRED');

  const removed = await w.request('PUT', `/api/accounts/${id}/budget`, { cookie: a.cookie, body: { monthlyBudgetUsd: null } });
  t.equal(removed.status, 200);
  t.notOk('monthlyBudgetUsd' in removed.json, 'removed');
  t.same((await w.request('GET', '/api/costs', { cookie: a.cookie })).json.budgets, [], 'no budget, nothing in /api/costs');
});
