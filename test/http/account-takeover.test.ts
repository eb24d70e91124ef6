/**
 * Account pre-hijacking and address enumeration: an unverified signup is replaced by the next
 * one, a verification link verifies only its own signup, a signup for a verified address looks
 * like a new one and tells the owner; an email change answers the same whether the address is
 * taken or not.
 */
import t from 'tap';
import { signIn, startWorld, tokenFromMail } from './fixtures/harness.js';

const VICTIM = 'victim@example.com';

t.test('an attacker signing up first with the victim address does not get the account', async (t) => {
  const w = await startWorld(t);
  const attacker = await w.request('POST', '/api/auth/signup', { body: { email: VICTIM, password: 'attacker password 1', organization: 'Evil' } });
  t.equal(attacker.status, 201);
  await w.settle();
  const attackerLink = tokenFromMail(w.mails, VICTIM);

  const victim = await w.request('POST', '/api/auth/signup', { body: { email: VICTIM, password: 'victim password 1', organization: 'Victim Co' } });
  t.equal(victim.status, 201);
  t.same(victim.json, attacker.json, 'the same answer');
  await w.settle();
  const victimLink = tokenFromMail(w.mails, VICTIM);
  t.not(victimLink, attackerLink, 'the victim gets a link of their own signup, not the old one again');
  t.match(w.mails.at(-1)?.text ?? '', /Victim Co/, "the mail names the victim's organization");

  const old = await w.request('POST', '/api/auth/verify', { body: { token: attackerLink } });
  t.equal(old.status, 400, "the attacker's link verifies nothing any more");
  t.equal(old.json.code, 'INVALID_TOKEN');
  const verified = await w.request('POST', '/api/auth/verify', { body: { token: victimLink } });
  t.equal(verified.status, 200);

  const attackerLogin = await w.request('POST', '/api/auth/login', { body: { email: VICTIM, password: 'attacker password 1' } });
  t.equal(attackerLogin.status, 401, "the attacker's password opens nothing");
  const victimLogin = await w.request('POST', '/api/auth/login', { body: { email: VICTIM, password: 'victim password 1' } });
  t.equal(victimLogin.status, 200);
  t.equal(victimLogin.json.tenant.name, 'Victim Co');
});

t.test('a signup for a verified address answers like a new one and mails the owner', async (t) => {
  const w = await startWorld(t);
  const owner = await signIn(w, VICTIM);
  const before = w.mails.length;
  const fresh = await w.request('POST', '/api/auth/signup', { body: { email: 'fresh@example.com', password: 'some password 1', organization: 'F' } });
  const again = await w.request('POST', '/api/auth/signup', { body: { email: VICTIM, password: 'attacker password 1', organization: 'Evil' } });
  t.equal(again.status, fresh.status);
  t.same(Object.keys(again.json).sort(), Object.keys(fresh.json).sort());
  t.same(again.json, { status: 'verification_sent', email: VICTIM });
  t.same([...again.headers.keys()].filter((h) => h !== 'x-request-id' && h !== 'date').sort(), [...fresh.headers.keys()].filter((h) => h !== 'x-request-id' && h !== 'date').sort(), 'the same headers');
  await w.settle();
  const toOwner = w.mails.slice(before).filter((m) => m.to === VICTIM);
  t.equal(toOwner.length, 1, 'one mail to the owner');
  t.match(toOwner[0]?.subject ?? '', /tried to sign up/);
  t.notMatch(toOwner[0]?.text ?? '', /verify\?token=/, 'no verification link in it');
  t.equal((await w.request('POST', '/api/auth/login', { body: { email: VICTIM, password: owner.password } })).status, 200, "the owner's account is unchanged");
  t.equal((await w.request('POST', '/api/auth/login', { body: { email: VICTIM, password: 'attacker password 1' } })).status, 401);
});

t.test('an email change answers the same whether or not the address is taken', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'mover@example.com');
  await signIn(w, 'taken@example.com');
  const before = w.mails.length;
  const taken = await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { email: 'taken@example.com' } });
  t.equal(taken.status, 200);
  t.equal(taken.json.pendingEmail, 'taken@example.com');
  const free = await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { email: 'free@example.com' } });
  t.equal(free.status, 200);
  t.same(Object.keys(taken.json).sort(), Object.keys(free.json).sort(), 'the same shape');
  t.equal(free.json.pendingEmail, 'free@example.com');
  await w.settle();
  const sent = w.mails.slice(before);
  const toTaken = sent.filter((m) => m.to === 'taken@example.com');
  t.equal(toTaken.length, 1, 'the taken address is told');
  t.notMatch(toTaken[0]?.text ?? '', /verify\?token=/, 'without a link that could move it');
  t.match(tokenFromMail(sent, 'free@example.com'), /^[A-Za-z0-9_-]+$/, 'the free address gets a confirmation link');
});
