/**
 * The rendered hits answered before Koa (src/http/fast-reads.ts), compared with the same app
 * without that path: two apps on one store and one clock, each request sent to both, and every
 * answer must be the same status, headers (but Date and X-Request-Id) and bytes. Requests it must
 * leave to Koa (refusals, conditional requests, other spellings of the path, a query string, API
 * tokens, old entries) are answered by Koa on both sides, which the fast-read counter on
 * /metrics shows; hits are answered by it.
 */
import { request as httpRequest } from 'node:http';
import t, { type Test } from 'tap';
import { finding, securityResult } from '../store/fixtures/store.js';
import { OPERATOR_TOKEN, startWorld } from './fixtures/harness.js';
import { seed } from './fixtures/seed.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with exactly these headers (node's fetch would not send a Host of our choosing). */
function raw(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { host: 'cloud-health.test', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The answer without what differs between any two answers (Date, X-Request-Id). */
function comparable(reply: Raw): Raw {
  const { date: _date, 'x-request-id': requestId, ...headers } = reply.headers;
  return { status: reply.status, headers: { ...headers, 'x-request-id': typeof requestId === 'string' && /^[0-9a-f-]{36}$/.test(requestId) ? 'a uuid' : requestId }, body: reply.body };
}

t.test('rendered hits answered before Koa are the answers Koa gives', async (t) => {
  const w = await startWorld(t, { operatorToken: OPERATOR_TOKEN, twin: { fastReads: false } });
  const { a, accountId } = await seed(w);
  const twin = w.twinUrl!;
  const fastReads = async (): Promise<number> => {
    const metrics = await raw(w.url, 'GET', '/metrics', { authorization: `Bearer ${OPERATOR_TOKEN}` });
    const match = /^cloud_health_http_fast_reads_total (\d+)$/m.exec(metrics.body);
    if (!match) throw new Error(`no fast-read counter in /metrics (${metrics.status})`);
    return Number(match[1]);
  };
  /** Send to both apps (twin first, so it is never the one that warms an entry) and compare. */
  const both = async (t: Test, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Raw> => {
    const koa = await raw(twin, method, path, headers, body);
    const fast = await raw(w.url, method, path, headers, body);
    t.same(comparable(fast), comparable(koa), `${method} ${path}: the same answer with and without the fast path`);
    return fast;
  };
  /** `both`, asserting whether the fast path answered. */
  const expect = async (t: Test, answered: boolean, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Raw> => {
    const before = await fastReads();
    const reply = await both(t, method, path, headers, body);
    t.equal((await fastReads()) - before, answered ? 1 : 0, answered ? 'answered by the fast path' : 'answered by Koa');
    return reply;
  };
  const cookie = a.cookie;

  await t.test('a current entry is answered by the fast path, with every header Koa sets', async (t) => {
    for (const path of ['/api/overview', '/api/findings']) {
      // Both apps build their entry (Koa), then a repeat is a hit.
      await both(t, 'GET', path, { cookie });
      const hit = await expect(t, true, 'GET', path, { cookie });
      t.equal(hit.status, 200);
      t.match(hit.headers, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy': /frame-ancestors 'none'/,
        etag: /^"[A-Za-z0-9_-]+"$/,
        'content-length': String(Buffer.byteLength(hit.body)),
      });
    }
  });

  await t.test('what is not a plain hit is left to Koa, which answers it as before', async (t) => {
    await both(t, 'GET', '/api/findings', { cookie });
    const etag = (await raw(w.url, 'GET', '/api/findings', { cookie })).headers.etag as string;
    const cases: [string, string, string, Record<string, string>, string?][] = [
      ['a conditional request (304)', 'GET', '/api/findings', { cookie, 'if-none-match': etag }],
      ['a query string', 'GET', '/api/findings?severity=critical', { cookie }],
      ['an empty query string', 'GET', '/api/findings?', { cookie }],
      ['another case', 'GET', '/API/findings', { cookie }],
      ['a trailing slash', 'GET', '/api/findings/', { cookie }],
      ['HEAD', 'HEAD', '/api/findings', { cookie }],
      ['POST', 'POST', '/api/findings', { cookie, 'content-type': 'application/json', origin: 'http://cloud-health.test' }, '{}'],
      ['a GET with a body', 'GET', '/api/findings', { cookie, 'content-type': 'application/json', 'content-length': '7' }, '{"x":1}'],
      ['an unknown host', 'GET', '/api/findings', { cookie, host: 'evil.example' }],
      ['no cookie', 'GET', '/api/findings', {}],
      ['an unknown session', 'GET', '/api/findings', { cookie: 'sid=not-a-session' }],
      ['a malformed cookie', 'GET', '/api/findings', { cookie: 'sid=a b;;' }],
    ];
    for (const [what, method, path, headers, body] of cases) await t.test(what, (t) => expect(t, false, method, path, headers, body));
  });

  await t.test('an API token is answered by Koa', async (t) => {
    const token = (await w.request('POST', '/api/tokens', { cookie, body: { name: 'script', scope: 'read' } })).json.token as string;
    await both(t, 'GET', '/api/overview', { authorization: `Bearer ${token}` });
    await expect(t, false, 'GET', '/api/overview', { authorization: `Bearer ${token}` });
  });

  await t.test('a collector write: Koa answers the body from before while it rebuilds, then the fast path hits the new one', async (t) => {
    const before = await expect(t, true, 'GET', '/api/findings', { cookie });
    await w.store.results.write(securityResult(a.tenantId, accountId, [finding('fast-new', 9.5, new Date(w.clock.now).toISOString())]));
    const meanwhile = await expect(t, false, 'GET', '/api/findings', { cookie });
    t.equal(meanwhile.headers.etag, before.headers.etag, 'both apps answer the body from before while one rebuild runs');
    await w.settle(); // both apps' rebuilds, run in the background
    const after = await expect(t, true, 'GET', '/api/findings', { cookie });
    t.not(after.headers.etag, before.headers.etag);
    t.match(after.body, /fast-new/);
  });

  await t.test('an entry past its age is rebuilt by Koa', async (t) => {
    await both(t, 'GET', '/api/overview', { cookie });
    await w.settle(); // the finding written above: each app answered the overview from before it and rebuilt it meanwhile
    await expect(t, true, 'GET', '/api/overview', { cookie });
    w.clock.now += 60_000;
    await expect(t, false, 'GET', '/api/overview', { cookie });
    await expect(t, true, 'GET', '/api/overview', { cookie });
  });

  await t.test('an organization requiring MFA refuses the member without it, through Koa', async (t) => {
    await both(t, 'GET', '/api/overview', { cookie });
    await expect(t, true, 'GET', '/api/overview', { cookie });
    await w.store.tenants.updateSettings(a.tenantId, { requireMfa: true });
    const refused = await expect(t, false, 'GET', '/api/overview', { cookie });
    t.equal(refused.status, 403);
    t.match(JSON.parse(refused.body), { code: 'MFA_ENROLMENT_REQUIRED' });
    await w.store.tenants.updateSettings(a.tenantId, { requireMfa: false });
    await both(t, 'GET', '/api/overview', { cookie });
    await expect(t, true, 'GET', '/api/overview', { cookie });
  });

  await t.test('a logout ends the fast path at once', async (t) => {
    const login = await w.request('POST', '/api/auth/login', { body: { email: a.email, password: a.password } });
    const mine = /sid=[A-Za-z0-9_-]+/.exec(login.headers.get('set-cookie') ?? '')?.[0] ?? '';
    await both(t, 'GET', '/api/findings', { cookie: mine });
    await expect(t, true, 'GET', '/api/findings', { cookie: mine });
    t.equal((await w.request('POST', '/api/auth/logout', { cookie: mine })).status, 204);
    const gone = await expect(t, false, 'GET', '/api/findings', { cookie: mine });
    t.equal(gone.status, 401);
  });

  await t.test('a removed user is refused, through Koa', async (t) => {
    const viewer = await w.store.users.create({ tenantId: a.tenantId, email: 'fast-viewer@example.com', password: 'viewer password 1', role: 'viewer' });
    await w.store.users.markEmailVerified(a.tenantId, viewer.id, 'fast-viewer@example.com');
    const login = await w.request('POST', '/api/auth/login', { body: { email: 'fast-viewer@example.com', password: 'viewer password 1' } });
    t.equal(login.status, 200, login.text);
    const theirs = /sid=[A-Za-z0-9_-]+/.exec(login.headers.get('set-cookie') ?? '')?.[0] ?? '';
    await both(t, 'GET', '/api/findings', { cookie: theirs });
    await expect(t, true, 'GET', '/api/findings', { cookie: theirs });
    await w.store.users.remove(a.tenantId, viewer.id);
    const refused = await expect(t, false, 'GET', '/api/findings', { cookie: theirs });
    t.equal(refused.status, 401);
  });
});
