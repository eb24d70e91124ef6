/** Several organizations per user, and the MFA secrets and recovery codes at rest. */
import t from 'tap';
import { mfaSecretContext } from '../../src/store/user-repository.js';
import { openTestStore } from './fixtures/store.js';

t.test('a user belongs to several tenants: one identity, a role in each, leaving keeps the rest', async (t) => {
  const { store } = await openTestStore(t);
  const a = await store.tenants.create({ name: 'A' });
  const b = await store.tenants.create({ name: 'B' });
  const user = await store.users.create({ tenantId: a.id, email: 'multi@example.com', password: 'open sesame 123' });
  await store.users.markEmailVerified(a.id, user.id, user.email);

  const added = await store.users.addMembership({ tenantId: b.id, userId: user.id, homeTenantId: a.id, role: 'viewer' });
  t.match(added, { id: user.id, tenantId: b.id, homeTenantId: a.id, role: 'viewer', email: 'multi@example.com', emailVerified: true });
  t.equal(await store.users.addMembership({ tenantId: b.id, userId: user.id, homeTenantId: a.id, role: 'admin' }), undefined, 'once');
  t.same(await store.users.listMemberships(b.id, user.id), [
    { tenantId: a.id, role: 'owner', home: true },
    { tenantId: b.id, role: 'viewer', home: false },
  ]);
  t.same((await store.users.listByTenant(b.id)).map((u) => [u.id, u.role]), [[user.id, 'viewer']]);

  // Identity changes made through either membership land on the one identity.
  await store.users.updatePreferences(b.id, user.id, { dailyDigest: true });
  t.equal((await store.users.get(a.id, user.id))?.preferences.dailyDigest, true);
  await store.users.setPassword(b.id, user.id, 'new password 456');
  t.ok(await store.users.authenticate(user.email, 'new password 456'));
  await store.users.setRole(b.id, user.id, 'admin');
  t.equal((await store.users.get(b.id, user.id))?.role, 'admin');
  t.equal((await store.users.get(a.id, user.id))?.role, 'owner', 'a role is per tenant');

  t.ok(await store.users.remove(a.id, user.id), 'leaving the home tenant');
  t.equal(await store.users.get(a.id, user.id), undefined, 'no member there any more');
  t.same((await store.users.listByTenant(a.id)).map((u) => u.id), []);
  t.match(await store.users.findByEmail(user.email), { id: user.id }, 'the identity stays while a member elsewhere');
  t.same(await store.users.listMemberships(a.id, user.id), [{ tenantId: b.id, role: 'admin', home: false }]);
  t.ok(await store.users.remove(b.id, user.id));
  t.same(await store.users.listMemberships(a.id, user.id), []);
  t.match(await store.users.addMembership({ tenantId: a.id, userId: user.id, homeTenantId: a.id, role: 'viewer' }), { tenantId: a.id, role: 'viewer' }, 'back home by invitation');
});

t.test('MFA at rest: the secret sealed to its user, recovery codes hashed and single use, a step accepted once', async (t) => {
  const { store, getItem } = await openTestStore(t);
  const a = await store.tenants.create({ name: 'A' });
  const user = await store.users.create({ tenantId: a.id, email: 'mfa@example.com', password: 'open sesame 123' });
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  await store.users.beginMfa(a.id, user.id, secret);
  t.same(await store.users.mfaState(a.id, user.id), { enabled: false, pendingSecret: secret, recoveryCodesLeft: 0 });
  const codes = ['abcd-efgh-ijkl-mnop', 'qrst-uvwx-yz23-4567'];
  await store.users.enableMfa(a.id, user.id, codes, 100);
  const raw = await getItem('users', { pk: a.id, sk: `user#${user.id}` });
  const text = JSON.stringify(raw);
  t.notOk(text.includes(secret), 'the secret is not stored in plain text');
  for (const code of codes) t.notOk(text.includes(code) || text.includes(code.replace(/-/g, '')), 'nor the recovery codes');
  t.throws(() => store.keyring.open(raw?.mfa as never, mfaSecretContext(a.id, 'u-someone-else')), { code: 'SECRET_REJECTED' }, 'sealed to this user');
  t.match(await store.users.mfaState(a.id, user.id), { enabled: true, secret, lastStep: 100, recoveryCodesLeft: 2 });
  t.equal((await store.users.get(a.id, user.id))?.mfaEnabled, true);

  t.equal(await store.users.useMfaStep(a.id, user.id, 100), false, 'the confirming step is not accepted again');
  t.equal(await store.users.useMfaStep(a.id, user.id, 101), true);
  t.equal(await store.users.useMfaStep(a.id, user.id, 101), false, 'nor any step twice');
  t.equal(await store.users.useRecoveryCode(a.id, user.id, 'ABCD EFGH IJKL MNOP'), true);
  t.equal(await store.users.useRecoveryCode(a.id, user.id, 'abcd-efgh-ijkl-mnop'), false, 'used up');
  t.equal(await store.users.useRecoveryCode(a.id, user.id, 'zzzz-zzzz-zzzz-zzzz'), false);
  t.equal((await store.users.mfaState(a.id, user.id)).recoveryCodesLeft, 1);
  await store.users.disableMfa(a.id, user.id);
  t.same(await store.users.mfaState(a.id, user.id), { enabled: false, recoveryCodesLeft: 0 });
  t.equal(await store.users.useRecoveryCode(a.id, user.id, 'qrst-uvwx-yz23-4567'), false, 'codes die with MFA');
});
