/**
 * Login throttling cannot lock a user out: per (IP, email) and per IP limits stop a guesser at
 * its own address; per email there is only a growing, capped delay after which the right
 * password works; a browser that signed in before skips that delay; the owner is mailed.
 * Counts are shared through Redis when the store has one.
 */
import t from 'tap';
import { createRedisRateLimitStore } from '../../src/store/index.js';
import { silentLogger } from '../../src/log.js';
import { redisSkip, TEST_REDIS_URL } from '../store/fixtures/store.js';
import { signIn, startWorld, type World } from './fixtures/harness.js';

const VICTIM = 'victim@example.com';
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const guess = (w: World, ip: string, n: number, cookie?: string) =>
  w.request('POST', '/api/auth/login', { headers: from(ip), body: { email: VICTIM, password: `guess number ${n}` }, ...(cookie ? { cookie } : {}) });

t.test('an attacker cannot lock the victim out; the right password works after a short wait', async (t) => {
  const w = await startWorld(t, { app: { trustProxy: true } });
  const victim = await signIn(w, VICTIM);
  const attacker = '198.51.100.7';
  let refusedOwnIp = 0;
  for (let n = 0; n < 40; n += 1) {
    const reply = await guess(w, attacker, n);
    if (reply.status === 429) {
      refusedOwnIp += 1;
      t.match(reply.headers.get('retry-after') ?? '', /^\d+$/, 'Retry-After on every 429');
      t.ok(Number(reply.headers.get('retry-after')) <= 15 * 60, 'never more than the window');
    } else t.equal(reply.status, 401);
    w.clock.now += 61_000; // past any per-email delay, inside the per-(IP, email) window
    if (n % 14 === 13) w.clock.now += 15 * 60_000; // the attacker keeps at it for an hour
  }
  t.ok(refusedOwnIp > 0, `the attacker's own IP was refused ${refusedOwnIp} times`);

  // Many IPs now: the per-email failures pile up and grow the delay.
  let delayed: number | undefined;
  for (let n = 0; n < 12; n += 1) {
    const reply = await guess(w, `203.0.113.${n + 1}`, n);
    if (reply.status === 429) delayed = Number(reply.headers.get('retry-after'));
  }
  t.ok(delayed !== undefined && delayed >= 1 && delayed <= 60, `a distributed guess is slowed down per email (Retry-After ${delayed})`);

  const fresh = '192.0.2.50';
  let reply = await w.request('POST', '/api/auth/login', { headers: from(fresh), body: { email: VICTIM, password: victim.password } });
  if (reply.status === 429) {
    const wait = Number(reply.headers.get('retry-after'));
    t.ok(wait <= 60, `the victim from a new browser waits at most a minute (${wait} s)`);
    w.clock.now += wait * 1000;
    reply = await w.request('POST', '/api/auth/login', { headers: from(fresh), body: { email: VICTIM, password: victim.password } });
  }
  t.equal(reply.status, 200, 'then the right password signs in');
});

t.test('a browser that signed in before is not delayed by failures from elsewhere', async (t) => {
  const w = await startWorld(t, { app: { trustProxy: true } });
  const victim = await signIn(w, VICTIM);
  // signIn's login set the trusted-device cookie; a real browser would send it back.
  const login = await w.request('POST', '/api/auth/login', { headers: from('192.0.2.9'), body: { email: VICTIM, password: victim.password } });
  const did = /(?:^|,\s*)did=([A-Za-z0-9_-]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  t.ok(did, 'a trusted-device cookie is set');
  t.match(login.headers.get('set-cookie') ?? '', /did=[^;]+; Path=\/api\/auth\/login; Max-Age=\d+; HttpOnly; SameSite=Strict/);
  for (let n = 0; n < 30; n += 1) await guess(w, `203.0.113.${n + 1}`, n);
  const untrusted = await w.request('POST', '/api/auth/login', { headers: from('192.0.2.10'), body: { email: VICTIM, password: victim.password } });
  t.equal(untrusted.status, 429, 'an unknown browser is delayed right after the burst');
  const trusted = await w.request('POST', '/api/auth/login', { headers: from('192.0.2.10'), cookie: `did=${did}`, body: { email: VICTIM, password: victim.password } });
  t.equal(trusted.status, 200, 'the known browser signs in at once');
  const otherEmail = await w.request('POST', '/api/auth/login', { headers: from('192.0.2.10'), cookie: `did=${did}`, body: { email: 'other@example.com', password: 'whatever password' } });
  t.equal(otherEmail.status, 401, 'the cookie is worth nothing for another address');
});

t.test('the owner is mailed once after repeated failures; nothing is mailed for an unknown address', async (t) => {
  const w = await startWorld(t, { app: { trustProxy: true } });
  await signIn(w, VICTIM);
  const before = w.mails.length;
  for (let n = 0; n < 25; n += 1) {
    await guess(w, `203.0.113.${n + 1}`, n);
    w.clock.now += 61_000;
    await w.request('POST', '/api/auth/login', { headers: from(`203.0.113.${n + 1}`), body: { email: 'nobody@example.com', password: 'whatever password' } });
  }
  await w.settle();
  const notices = w.mails.slice(before);
  t.same(notices.map((m) => m.to), [VICTIM], 'one notice, to the owner only');
  t.match(notices[0]?.subject ?? '', /Failed sign-ins/);
  t.match(notices[0]?.text ?? '', /\d+ failed attempts/);
});

t.test('with Redis the counts are shared by every instance', { skip: await redisSkip(t) }, async (t) => {
  const prefix = `cloud-health-test-security-${process.pid}-${Date.now()}:`;
  const open = async () => {
    const store = createRedisRateLimitStore({ url: TEST_REDIS_URL, prefix, log: silentLogger() });
    t.teardown(() => store.close());
    await store.ready();
    return store;
  };
  const a = await startWorld(t, { app: { trustProxy: true, rateLimitStore: await open(), rateLimits: { login: { failuresPerClient: { limit: 3, windowMs: 60_000 } } } } });
  const b = await startWorld(t, { app: { trustProxy: true, rateLimitStore: await open(), rateLimits: { login: { failuresPerClient: { limit: 3, windowMs: 60_000 } } } } });
  b.clock.now = a.clock.now;
  for (let n = 0; n < 3; n += 1) t.equal((await guess(a, '198.51.100.1', n)).status, 401, `failure ${n + 1} on instance A`);
  const onB = await guess(b, '198.51.100.1', 3);
  t.equal(onB.status, 429, 'instance B knows about the failures on A');
  t.equal((await guess(b, '198.51.100.2', 4)).status, 401, 'another IP is not affected');
});
