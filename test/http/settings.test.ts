/** Settings: preferences, digest, budget; an email change waits for verification of the new address. */
import t from 'tap';
import { signIn, startWorld, tokenFromMail } from './fixtures/harness.js';

t.test('defaults, then a partial update', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'set@example.com');
  const initial = await w.request('GET', '/api/settings', { cookie: a.cookie });
  t.equal(initial.status, 200);
  t.same(initial.json, {
    email: 'set@example.com',
    emailVerified: true,
    notifications: { critical: true, warning: false, costTips: true, dailyDigest: false, alarms: true, alarmRecovered: false, healthIssues: true, healthScheduled: false },
    digestHour: 8,
    timezone: 'UTC',
    monthlyBudgetUsd: null,
    monitoringCapUsd: null,
  });
  const put = await w.request('PUT', '/api/settings', {
    cookie: a.cookie,
    body: { notifications: { dailyDigest: true }, digestHour: 7, timezone: 'Europe/Paris', monthlyBudgetUsd: 250 },
  });
  t.equal(put.status, 200, put.text);
  t.same(put.json, {
    email: 'set@example.com',
    emailVerified: true,
    notifications: { critical: true, warning: false, costTips: true, dailyDigest: true, alarms: true, alarmRecovered: false, healthIssues: true, healthScheduled: false },
    digestHour: 7,
    timezone: 'Europe/Paris',
    monthlyBudgetUsd: 250,
    monitoringCapUsd: null,
  });
  t.same(w.changed, [a.tenantId], 'a budget change is a tenant change');
  t.same((await w.request('GET', '/api/settings', { cookie: a.cookie })).json, put.json, 'persisted');
  const cleared = await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { monthlyBudgetUsd: null } });
  t.equal(cleared.json.monthlyBudgetUsd, null);
  for (const body of [{ digestHour: 24 }, { timezone: 'Mars/Olympus' }, { monthlyBudgetUsd: -1 }, { notifications: { critical: 'yes' } }, { emailVerified: true }]) {
    const bad = await w.request('PUT', '/api/settings', { cookie: a.cookie, body });
    t.equal(bad.status, 400, JSON.stringify(body));
  }
});

t.test('an email change: pending until the link mailed to the new address is opened', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'old@example.com');
  const before = w.mails.length;
  const put = await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { email: 'New@Example.com' } });
  t.equal(put.status, 200);
  t.equal(put.json.email, 'old@example.com', 'the current address stays until verified');
  t.equal(put.json.emailVerified, true);
  t.equal(put.json.pendingEmail, 'new@example.com');
  await w.settle();
  t.same(w.mails.slice(before).map((m) => m.to), ['new@example.com'], 'the verification goes to the new address');
  const login = await w.request('POST', '/api/auth/login', { body: { email: 'old@example.com', password: a.password } });
  t.equal(login.status, 200, 'still signs in with the old address meanwhile');

  const verify = await w.request('POST', '/api/auth/verify', { body: { token: tokenFromMail(w.mails, 'new@example.com') } });
  t.equal(verify.status, 200, verify.text);
  t.same(verify.json, { email: 'new@example.com', emailVerified: true });
  const settings = await w.request('GET', '/api/settings', { cookie: a.cookie });
  t.equal(settings.json.email, 'new@example.com');
  t.equal(settings.json.emailVerified, true);
  t.notOk('pendingEmail' in settings.json);
  t.equal((await w.request('POST', '/api/auth/login', { body: { email: 'new@example.com', password: a.password } })).status, 200);
  t.equal((await w.request('POST', '/api/auth/login', { body: { email: 'old@example.com', password: a.password } })).status, 401);
});

t.test('a superseded pending address cannot be confirmed with its old link', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'first@example.com');
  await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { email: 'second@example.com' } });
  await w.settle();
  const stale = tokenFromMail(w.mails, 'second@example.com');
  await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { email: 'third@example.com' } });
  await w.settle();
  const reply = await w.request('POST', '/api/auth/verify', { body: { token: stale } });
  t.equal(reply.status, 400);
  t.equal(reply.json.code, 'INVALID_TOKEN');
  t.equal((await w.request('GET', '/api/settings', { cookie: a.cookie })).json.pendingEmail, 'third@example.com');
  const back = await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { email: 'first@example.com' } });
  t.notOk('pendingEmail' in back.json, 'going back to the current address cancels the change');
});
