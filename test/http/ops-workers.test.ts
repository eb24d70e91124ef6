/** The operator's worker list names tenants and accounts, searches them, sorts troubled first, and says how many matched. */
import t from 'tap';
import { OPERATOR_TOKEN, signIn, startWorld } from './fixtures/harness.js';

const bearer = { authorization: `Bearer ${OPERATOR_TOKEN}` };

t.test('names, search, sort and limit', async (t) => {
  const w = await startWorld(t, { operatorToken: OPERATOR_TOKEN });
  const acme = await signIn(w, 'ops-acme@example.com', 'Acme Rockets');
  const zeta = await signIn(w, 'ops-zeta@example.com', 'Zeta Foods');
  const connected = await w.request('POST', '/api/accounts', {
    cookie: acme.cookie,
    body: { name: 'Rocket prod', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', regions: ['us-east-1'] },
  });
  const accountId = connected.json.id as string;
  w.registry.accountsChanged(acme.tenantId, { [accountId]: { status: 'active' } });
  w.registry.collectorRunStarted(acme.tenantId, 'metrics', w.clock.now, w.clock.now + 60_000);
  const crash = { kind: 'bug' as const, code: 'TypeError', message: 'boom', at: w.clock.now };
  for (let attempt = 0; attempt < 4; attempt++) w.registry.tenantSupervised(zeta.tenantId, { kind: 'backoff', until: w.clock.now + 1_000, attempt }, crash);
  w.registry.tenantSupervised(zeta.tenantId, { kind: 'parked', until: w.clock.now + 60_000 }, crash);
  w.registry.tenantStarted('t-unknown');

  const all = await w.request('GET', '/ops/workers', { headers: bearer });
  t.equal(all.status, 200, all.text);
  t.equal(all.json.total, 3);
  t.same(all.json.workers.map((x: { tenantName?: string; tenantId: string }) => x.tenantName ?? x.tenantId), ['Zeta Foods', 'Acme Rockets', 't-unknown'], 'parked first, then by name');
  const acmeView = all.json.workers.find((x: { tenantId: string }) => x.tenantId === acme.tenantId);
  t.same(acmeView.accounts[accountId], { status: 'active', name: 'Rocket prod', awsAccountId: '123456789012' });

  const byName = await w.request('GET', '/ops/workers?q=rocket', { headers: bearer });
  t.same(byName.json.workers.map((x: { tenantId: string }) => x.tenantId), [acme.tenantId], 'tenant or account name');
  const byAws = await w.request('GET', '/ops/workers?q=123456789012', { headers: bearer });
  t.same(byAws.json.workers.map((x: { tenantId: string }) => x.tenantId), [acme.tenantId], 'AWS account id');
  t.equal((await w.request('GET', '/ops/workers?q=nobody', { headers: bearer })).json.total, 0);

  const byRestarts = await w.request('GET', '/ops/workers?sort=restarts&limit=1', { headers: bearer });
  t.same(byRestarts.json.workers.map((x: { tenantId: string }) => x.tenantId), [zeta.tenantId]);
  t.equal(byRestarts.json.total, 3, 'total counts beyond the limit');
  const byName2 = await w.request('GET', '/ops/workers?sort=name', { headers: bearer });
  t.same(byName2.json.workers.map((x: { tenantName?: string; tenantId: string }) => x.tenantName ?? x.tenantId), ['Acme Rockets', 't-unknown', 'Zeta Foods']);
  t.equal((await w.request('GET', '/ops/workers?sort=size', { headers: bearer })).status, 400);
});
