import t from 'tap';
import { harness, MINUTE } from '../support/harness.js';
import { makeTenant } from '../support/fakes.js';

t.test('rejected credentials stop retrying for that account, are visible, and new credentials resume it', async (t) => {
  const h = harness({ intervalsMs: { metrics: 5 * MINUTE, security: 5 * MINUTE, cost: 60 * MINUTE } });
  t.teardown(() => h.stop());
  const tenant = makeTenant('acme', { awsAccountIds: ['111111111111', '222222222222'] });
  h.source.put(tenant);
  h.fake.behaviour.set('111111111111', 'identity');
  await h.runtime.start();
  await h.clock.advance(1_000);

  const health = h.runtime.registry.get('acme')!;
  t.equal(health.accounts['acme-acct-0']?.status, 'credentials_invalid');
  t.match(health.accounts['acme-acct-0']?.reason, /InvalidClientTokenId/);
  t.equal(health.accounts['acme-acct-1']?.status, 'active');
  t.same(h.sink.statuses.get('acme/acme-acct-0'), { status: 'credentials_invalid', reason: 'InvalidClientTokenId' }, 'stored for the tenant to see');
  t.equal(health.collectors.metrics!.lastError?.kind, 'identity');
  t.equal(health.collectors.metrics!.restarts, 0, 'not a crash: no restart');
  t.same(Object.keys(health.collectors.metrics!.accountErrors ?? {}), ['acme-acct-0'], 'the error is the rejected account\'s, not its sibling\'s');

  const callsBefore = h.fake.callsFor('111111111111');
  await h.clock.advance(60 * MINUTE);
  t.equal(h.fake.callsFor('111111111111'), callsBefore, 'no more calls with rejected credentials');
  t.ok(h.fake.callsFor('222222222222', 'cloudwatch') >= 12, 'the other account is still collected');

  // The tenant fixes the role: a new account revision clears the rejection.
  h.fake.behaviour.delete('111111111111');
  h.source.put({ ...tenant, revision: 2, accounts: tenant.accounts.map((a, i) => (i === 0 ? { ...a, revision: 2 } : a)) });
  await h.runtime.reconcile();
  await h.clock.advance(5 * MINUTE);
  t.equal(h.runtime.registry.get('acme')!.accounts['acme-acct-0']?.status, 'active');
  t.ok(h.fake.callsFor('111111111111') > callsBefore, 'collection resumed');
});
