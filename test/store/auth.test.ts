import t from 'tap';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { hashToken, newToken } from '../../src/store/crypto/tokens.js';
import { openTestStore } from './fixtures/store.js';

t.test('users: email unique across tenants (case-insensitive), password checked, email verified', async (t) => {
  const { store, getItem } = await openTestStore(t);
  const a = await store.tenants.create({ name: 'A' });
  const b = await store.tenants.create({ name: 'B' });
  const user = await store.users.create({ tenantId: a.id, email: ' Alice@Example.com ', password: 'open sesame 123' });
  t.match(user, { tenantId: a.id, email: 'alice@example.com', emailVerified: false, role: 'owner', preferences: { critical: true } });
  await t.rejects(store.users.create({ tenantId: b.id, email: 'ALICE@example.com', password: 'x'.repeat(12) }), { code: 'EMAIL_TAKEN', status: 409 });

  const raw = await getItem('users', { pk: a.id, sk: `user#${user.id}` });
  t.match(raw?.passwordHash, /^scrypt\$/);
  t.notMatch(JSON.stringify(raw), 'open sesame');

  t.match(await store.users.authenticate('alice@example.com', 'open sesame 123'), { id: user.id });
  t.equal(await store.users.authenticate('alice@example.com', 'wrong'), undefined);
  t.equal(await store.users.authenticate('nobody@example.com', 'open sesame 123'), undefined);
  t.equal(await store.users.authenticate('not an email', 'x'), undefined);

  t.equal(await store.users.markEmailVerified(a.id, user.id, 'someone-else@example.com'), false, 'a token for another address does nothing');
  t.equal(await store.users.markEmailVerified(a.id, user.id, 'alice@example.com'), true);
  t.equal((await store.users.get(a.id, user.id))?.emailVerified, true);

  const moved = await store.users.changeEmail(a.id, user.id, 'alice@new.example.com');
  t.match(moved, { email: 'alice@new.example.com', emailVerified: false });
  t.match(await store.users.findByEmail('alice@new.example.com'), { id: user.id });
  t.equal(await store.users.findByEmail('alice@example.com'), undefined, 'the old address is released');
  const other = await store.users.create({ tenantId: b.id, email: 'alice@example.com', password: 'y'.repeat(12) });
  t.equal(other.tenantId, b.id);
  await t.rejects(store.users.changeEmail(a.id, user.id, 'alice@example.com'), { code: 'EMAIL_TAKEN' });

  await store.users.setPassword(a.id, user.id, 'new password 456');
  t.ok(await store.users.authenticate('alice@new.example.com', 'new password 456'));
  const prefs = await store.users.updatePreferences(a.id, user.id, { dailyDigest: true });
  t.same(prefs.preferences, { critical: true, warning: false, costTips: true, dailyDigest: true, alarms: true, alarmRecovered: false, healthIssues: true, healthScheduled: false });
  t.same((await store.users.listByTenant(a.id)).map((u) => u.id), [user.id]);
  t.same((await store.users.listByTenant(b.id)).map((u) => u.id), [other.id], 'users are listed per tenant');
});

t.test('sessions: stored by hash only, expire, revoke', async (t) => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const { store, getItem } = await openTestStore(t, { now: () => clock });
  const { token, session } = await store.sessions.create({ tenantId: 't-1', userId: 'u-1', ttlMs: 3_600_000 });
  t.match(token, /^[\w-]{43}$/);
  t.equal(await getItem('sessions', { pk: token }), undefined, 'not stored under the token');
  const raw = await getItem('sessions', { pk: hashToken(token) });
  t.ok(raw);
  t.notMatch(JSON.stringify(raw), token);
  t.equal(raw?.ttl, Math.ceil(Date.parse(session.expiresAt) / 1000), 'TTL attribute set');

  t.match(await store.sessions.get(token), { tenantId: 't-1', userId: 'u-1' });
  t.equal(await store.sessions.get('forged'), undefined);
  clock += 3_600_001;
  t.equal(await store.sessions.get(token), undefined, 'expired');
  clock -= 10_000;
  await store.sessions.revoke(token);
  t.equal(await store.sessions.get(token), undefined, 'revoked');
  await store.sessions.revoke(token);
});

t.test('a session stored before sessions had ids (no index item) is refused: nothing could list or end it', async (t) => {
  const { store, raw, prefix } = await openTestStore(t);
  const tenant = await store.tenants.create({ name: 'Old' });
  const user = await store.users.create({ tenantId: tenant.id, email: 'legacy@example.com', password: 'legacy password 1' });
  // What the session repository wrote before the sessions list: no sessionId, no index item.
  const token = newToken();
  const at = Date.now();
  const expiresAt = new Date(at + 7 * 86_400_000).toISOString();
  await raw.send(new PutCommand({ TableName: `${prefix}sessions`, Item: { pk: hashToken(token), tenantId: tenant.id, userId: user.id, createdAt: new Date(at).toISOString(), expiresAt, ttl: Math.ceil(Date.parse(expiresAt) / 1000) } }));
  t.same(await store.sessions.listForUser(tenant.id, user.id), [], 'it is not in the sessions list');
  t.equal(await store.sessions.revokeAllForUser(tenant.id, user.id), 0, 'so a reset or "sign out everywhere" cannot end it');
  t.equal(await store.sessions.get(token), undefined, 'hence it is not a session at all: its holder signs in again');
});

t.test('one-time tokens: hashed, single use (even when raced), 24 h, purpose-bound', async (t) => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const { store, getItem } = await openTestStore(t, { now: () => clock });
  const input = { purpose: 'verify_email' as const, tenantId: 't-1', userId: 'u-1', email: 'a@example.com' };
  const token = await store.tokens.issue(input);
  const raw = await getItem('tokens', { pk: hashToken(token) });
  t.equal(raw?.ttl, Math.ceil((clock + 24 * 3_600_000) / 1000), '24 h expiry, TTL attribute set');
  t.notMatch(JSON.stringify(raw), token);

  t.equal(await store.tokens.consume(token, 'reset_password'), undefined, 'wrong purpose');
  const results = await Promise.all([store.tokens.consume(token, 'verify_email'), store.tokens.consume(token, 'verify_email'), store.tokens.consume(token, 'verify_email')]);
  t.equal(results.filter(Boolean).length, 1, 'exactly one of three racing consumers wins');
  t.match(results.find(Boolean), { tenantId: 't-1', userId: 'u-1', email: 'a@example.com' });
  t.equal(await store.tokens.consume(token, 'verify_email'), undefined, 'used');

  const late = await store.tokens.issue(input);
  clock += 24 * 3_600_000 + 1;
  t.equal(await store.tokens.consume(late, 'verify_email'), undefined, 'expired after 24 h');
  t.equal(await store.tokens.consume('', 'verify_email'), undefined);
});
