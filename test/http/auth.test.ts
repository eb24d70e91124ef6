/** Sign-up to login through the captured email; sessions; no account enumeration; login limits. */
import t from 'tap';
import { sessionPair, signIn, startWorld, tokenFromMail } from './fixtures/harness.js';

const PASSWORD = 'correct horse battery';

t.test('signup -> verification email -> verify -> login -> me -> logout', async (t) => {
  const w = await startWorld(t);
  const signup = await w.request('POST', '/api/auth/signup', { body: { email: 'Ada@Example.com', password: PASSWORD, organization: 'Acme <Ltd>' } });
  t.equal(signup.status, 201);
  t.same(signup.json, { status: 'verification_sent', email: 'ada@example.com' });
  await w.settle();
  t.equal(w.mails.length, 1, 'one verification email');
  const mail = w.mails[0]!;
  t.equal(mail.to, 'ada@example.com');
  t.match(mail.text, /http:\/\/cloud-health\.test\/verify\?token=[A-Za-z0-9_-]{40,}/, 'the link is ${publicUrl}/verify?token=...');
  t.notMatch(mail.html, /<Ltd>/, 'the organization is escaped in HTML');

  const early = await w.request('POST', '/api/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
  t.equal(early.status, 403, 'a correct password of an unverified user');
  t.equal(early.json.code, 'EMAIL_NOT_VERIFIED');
  t.equal(early.headers.get('set-cookie'), null, 'no session before verification');
  const earlyWrong = await w.request('POST', '/api/auth/login', { body: { email: 'ada@example.com', password: 'wrong password' } });
  t.equal(earlyWrong.json.code, 'INVALID_CREDENTIALS', 'a wrong password learns nothing about verification');

  const token = tokenFromMail(w.mails, 'ada@example.com');
  const verify = await w.request('POST', '/api/auth/verify', { body: { token } });
  t.equal(verify.status, 200);
  t.same(verify.json, { email: 'ada@example.com', emailVerified: true });
  const again = await w.request('POST', '/api/auth/verify', { body: { token } });
  t.equal(again.status, 400, 'a token is single use');
  t.equal(again.json.code, 'INVALID_TOKEN');

  const login = await w.request('POST', '/api/auth/login', { body: { email: 'ADA@example.com', password: PASSWORD } });
  t.equal(login.status, 200);
  t.equal(login.json.user.email, 'ada@example.com');
  t.equal(login.json.user.emailVerified, true);
  t.equal(login.json.tenant.name, 'Acme <Ltd>');
  const setCookie = login.headers.get('set-cookie') ?? '';
  t.match(setCookie, /^sid=[A-Za-z0-9_-]{40,}; /);
  t.match(setCookie, /HttpOnly/);
  t.match(setCookie, /SameSite=Strict/);
  t.match(setCookie, /Path=\//);
  t.notMatch(setCookie, /Secure/, 'no Secure flag when the public URL is http');
  let cookie = sessionPair(login);

  const relogin = await w.request('POST', '/api/auth/login', { cookie, body: { email: 'ada@example.com', password: PASSWORD } });
  t.equal((await w.request('GET', '/api/me', { cookie })).status, 401, 'logging in again ends the session the browser held');
  cookie = sessionPair(relogin);
  const me = await w.request('GET', '/api/me', { cookie });
  t.equal(me.status, 200);
  t.same(me.json, login.json);

  const logout = await w.request('POST', '/api/auth/logout', { cookie });
  t.equal(logout.status, 204);
  t.match(logout.headers.get('set-cookie') ?? '', /sid=; .*Max-Age=0/);
  const after = await w.request('GET', '/api/me', { cookie });
  t.equal(after.status, 401, 'the session is revoked on the server, not just the cookie cleared');
  t.equal(after.json.code, 'UNAUTHENTICATED');
});

t.test('Secure cookie and HSTS when the public URL is https', async (t) => {
  const w = await startWorld(t, { app: { publicUrl: 'https://health.example.com' } });
  const https = { origin: 'https://health.example.com' };
  await w.request('POST', '/api/auth/signup', { ...https, body: { email: 'sec@example.com', password: PASSWORD, organization: 'S' } });
  await w.settle();
  t.match(w.mails[0]?.text ?? '', /https:\/\/health\.example\.com\/verify\?token=/);
  await w.request('POST', '/api/auth/verify', { ...https, body: { token: tokenFromMail(w.mails, 'sec@example.com') } });
  const login = await w.request('POST', '/api/auth/login', { ...https, body: { email: 'sec@example.com', password: PASSWORD } });
  t.equal(login.status, 200);
  t.match(login.headers.get('set-cookie') ?? '', /; Secure/);
  t.match(login.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
});

t.test('unknown email and wrong password are the same answer', async (t) => {
  const w = await startWorld(t);
  await signIn(w, 'known@example.com');
  const unknown = await w.request('POST', '/api/auth/login', { body: { email: 'nobody@example.com', password: PASSWORD } });
  const wrong = await w.request('POST', '/api/auth/login', { body: { email: 'known@example.com', password: 'not the password' } });
  t.equal(unknown.status, 401);
  t.equal(wrong.status, 401);
  t.same(unknown.json, wrong.json, 'identical problem bodies');
  t.equal(unknown.json.code, 'INVALID_CREDENTIALS');
});

t.test('signup and resend do not reveal whether an address is registered', async (t) => {
  const w = await startWorld(t);
  await signIn(w, 'taken@example.com');
  const before = w.mails.length;
  const dup = await w.request('POST', '/api/auth/signup', { body: { email: 'taken@example.com', password: 'another password', organization: 'Other' } });
  const fresh = await w.request('POST', '/api/auth/signup', { body: { email: 'fresh@example.com', password: PASSWORD, organization: 'Other' } });
  t.equal(dup.status, 201);
  t.same(dup.json, { status: 'verification_sent', email: 'taken@example.com' }, 'same answer as a new address');
  t.equal(fresh.status, 201);
  const resendUnknown = await w.request('POST', '/api/auth/resend', { body: { email: 'ghost@example.com' } });
  const resendVerified = await w.request('POST', '/api/auth/resend', { body: { email: 'taken@example.com' } });
  const resendPending = await w.request('POST', '/api/auth/resend', { body: { email: 'fresh@example.com' } });
  t.equal(resendUnknown.status, 202);
  t.equal(resendVerified.status, 202);
  t.equal(resendPending.status, 202);
  t.same(resendUnknown.json, resendPending.json);
  await w.settle();
  const sent = w.mails.slice(before).map((m) => m.to);
  t.same(sent.sort(), ['fresh@example.com', 'fresh@example.com', 'taken@example.com'], 'verification mail only to the unverified address (signup + resend), a notice to the owner');
  t.match(w.mails.find((m) => m.to === 'taken@example.com' && /tried to sign up/.test(m.subject))?.subject ?? '', /tried to sign up/, "the owner hears of the signup for their address");
  // The newest link works; the older one too until used (each is its own token).
  const verify = await w.request('POST', '/api/auth/verify', { body: { token: tokenFromMail(w.mails, 'fresh@example.com') } });
  t.equal(verify.status, 200);
  // The original owner still logs in with the original password.
  const login = await w.request('POST', '/api/auth/login', { body: { email: 'taken@example.com', password: PASSWORD } });
  t.equal(login.status, 200);
});

t.test('a verification link expires after 24 hours; an unknown token is refused', async (t) => {
  const w = await startWorld(t);
  await w.request('POST', '/api/auth/signup', { body: { email: 'late@example.com', password: PASSWORD, organization: 'L' } });
  await w.settle();
  const token = tokenFromMail(w.mails, 'late@example.com');
  const unknown = await w.request('POST', '/api/auth/verify', { body: { token: 'A'.repeat(43) } });
  t.equal(unknown.json.code, 'INVALID_TOKEN');
  w.clock.now += 24 * 3_600_000 + 1_000;
  const late = await w.request('POST', '/api/auth/verify', { body: { token } });
  t.equal(late.status, 400);
  t.equal(late.json.code, 'INVALID_TOKEN');
  await w.request('POST', '/api/auth/resend', { body: { email: 'late@example.com' } });
  await w.settle();
  const fresh = await w.request('POST', '/api/auth/verify', { body: { token: tokenFromMail(w.mails, 'late@example.com') } });
  t.equal(fresh.status, 200, 'a resent link works');
});

t.test('a session ends when it expires', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'expiring@example.com');
  t.equal((await w.request('GET', '/api/me', { cookie: a.cookie })).status, 200);
  w.clock.now += 7 * 86_400_000 + 1_000;
  t.equal((await w.request('GET', '/api/me', { cookie: a.cookie })).status, 401);
});

t.test('logins, signups and resends per client IP are limited (behind a trusted proxy)', async (t) => {
  const w = await startWorld(t, {
    app: {
      trustProxy: true,
      rateLimits: {
        login: { perIp: { limit: 2, windowMs: 60_000 } },
        signupPerIp: { limit: 1, windowMs: 60_000 },
        resendPerIp: { limit: 1, windowMs: 60_000 },
      },
    },
  });
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const login = (ip: string) => w.request('POST', '/api/auth/login', { headers: from(ip), body: { email: `x${Math.random()}@example.com`, password: 'whatever1' } });
  t.equal((await login('203.0.113.1')).status, 401);
  t.equal((await login('203.0.113.1')).status, 401);
  const limited = await login('203.0.113.1');
  t.equal(limited.json.code, 'RATE_LIMITED', 'the third login from one IP, whatever the email');
  t.equal((await login('203.0.113.2')).status, 401, 'another IP is not affected');
  const signup = (n: number, ip: string) =>
    w.request('POST', '/api/auth/signup', { headers: from(ip), body: { email: `s${n}@example.com`, password: PASSWORD, organization: 'O' } });
  t.equal((await signup(1, '203.0.113.1')).status, 201);
  t.equal((await signup(2, '203.0.113.1')).status, 429);
  t.equal((await signup(3, '203.0.113.3')).status, 201);
  const resend = (ip: string) => w.request('POST', '/api/auth/resend', { headers: from(ip), body: { email: `r${Math.random()}@example.com` } });
  t.equal((await resend('203.0.113.1')).status, 202);
  const resendLimited = await resend('203.0.113.1');
  t.equal(resendLimited.status, 429);
  t.ok(resendLimited.headers.get('retry-after'));
});

t.test('a loopback peer (a local tool, or a proxy not marked trusted) is not limited per IP, only per email', async (t) => {
  const w = await startWorld(t, { app: { rateLimits: { signupPerIp: { limit: 1, windowMs: 60_000 }, resendPerEmail: { limit: 2, windowMs: 60_000 } } } });
  for (let n = 0; n < 3; n += 1) {
    const reply = await w.request('POST', '/api/auth/signup', { body: { email: `local${n}@example.com`, password: PASSWORD, organization: 'O' } });
    t.equal(reply.status, 201);
  }
  const resend = () => w.request('POST', '/api/auth/resend', { body: { email: 'same@example.com' } });
  t.equal((await resend()).status, 202);
  t.equal((await resend()).status, 202);
  t.equal((await resend()).status, 429, 'per email');
});

t.test('protected routes answer 401 without a session, or with a forged one', async (t) => {
  const w = await startWorld(t);
  const routes: [string, string][] = [
    ['GET', '/api/me'],
    ['GET', '/api/settings'],
    ['PUT', '/api/settings'],
    ['GET', '/api/accounts'],
    ['POST', '/api/accounts'],
    ['DELETE', '/api/accounts/a-1'],
    ['GET', '/api/accounts/onboarding'],
    ['GET', '/api/overview'],
    ['GET', '/api/metrics'],
    ['GET', '/api/costs'],
    ['GET', '/api/findings'],
    ['GET', '/api/recommendations'],
    ['PATCH', '/api/recommendations/x'],
  ];
  for (const [method, path] of routes) {
    const body = method === 'GET' || method === 'DELETE' ? undefined : {};
    const none = await w.request(method, path, { body });
    t.equal(none.status, 401, `${method} ${path} without a cookie`);
    t.equal(none.json?.code, 'UNAUTHENTICATED');
    const forged = await w.request(method, path, { body, cookie: 'sid=' + 'x'.repeat(43) });
    t.equal(forged.status, 401, `${method} ${path} with a forged cookie`);
  }
});
