/** Bad input gets a 4xx problem with a stable code, never a 5xx or exception text; CSRF; headers. */
import t, { type Test } from 'tap';
import { signIn, startWorld, type Reply } from './fixtures/harness.js';

function isProblem(t: Test, reply: Reply, status: number, code: string, what: string): void {
  t.equal(reply.status, status, `${what}: status`);
  t.match(reply.headers.get('content-type') ?? '', /^application\/problem\+json/, `${what}: problem content type`);
  t.equal(reply.json?.code, code, `${what}: code`);
  t.equal(reply.json?.status, status, `${what}: status in body`);
  t.type(reply.json?.title, 'string');
  t.type(reply.json?.type, 'string');
  t.notMatch(reply.text, /at .*\.(ts|js):\d+|Error:|stack/i, `${what}: no stack or exception text`);
}

t.test('malformed, oversized, wrong-typed and invalid bodies', async (t) => {
  const w = await startWorld(t);
  isProblem(t, await w.request('POST', '/api/auth/login', { raw: '{"email": "a@b.c", ', contentType: 'application/json' }), 400, 'MALFORMED_JSON', 'truncated JSON');
  isProblem(t, await w.request('POST', '/api/auth/login', { raw: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), contentType: 'application/json' }), 400, 'MALFORMED_JSON', 'invalid UTF-8');
  isProblem(t, await w.request('POST', '/api/auth/login', { raw: 'email=a&password=b', contentType: 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE', 'form body');
  isProblem(t, await w.request('POST', '/api/auth/login', { raw: '{}', contentType: 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE', 'text/plain');
  const big = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(70 * 1024) });
  isProblem(t, await w.request('POST', '/api/auth/login', { raw: big, contentType: 'application/json' }), 413, 'PAYLOAD_TOO_LARGE', 'oversized body');
  // Without a content length (chunked), the limit holds while reading.
  const stream = new ReadableStream({
    start(controller) {
      for (let i = 0; i < 100; i += 1) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
      controller.close();
    },
  });
  const chunked = await fetch(`${w.url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://cloud-health.test' },
    body: stream,
    duplex: 'half',
  } as RequestInit);
  t.equal(chunked.status, 413, 'chunked oversized body');
  await chunked.text();

  const invalid = await w.request('POST', '/api/auth/signup', { body: { email: 'not-an-email', password: 'short', organization: '' } });
  isProblem(t, invalid, 400, 'VALIDATION_FAILED', 'invalid fields');
  t.same(invalid.json.errors.map((e: { path: string }) => e.path).sort(), ['body.email', 'body.organization', 'body.password']);
  isProblem(t, await w.request('POST', '/api/auth/signup', { body: [1, 2] }), 400, 'VALIDATION_FAILED', 'array body');
  isProblem(t, await w.request('POST', '/api/auth/signup', { body: 'text' }), 400, 'VALIDATION_FAILED', 'string body');
  isProblem(t, await w.request('POST', '/api/auth/signup', { raw: 'null', contentType: 'application/json' }), 400, 'VALIDATION_FAILED', 'null body');
  isProblem(t, await w.request('POST', '/api/auth/login'), 400, 'VALIDATION_FAILED', 'no body');
  isProblem(
    t,
    await w.request('POST', '/api/auth/login', { body: { email: 'a@example.com', password: 'x', __proto__: { admin: true }, extra: 1 } }),
    400,
    'VALIDATION_FAILED',
    'unknown field',
  );
  isProblem(t, await w.request('POST', '/api/auth/login', { body: { email: 42, password: ['x'] } }), 400, 'VALIDATION_FAILED', 'wrong types');
  isProblem(t, await w.request('POST', '/api/auth/verify', { body: { token: '../../etc/passwd' } }), 400, 'VALIDATION_FAILED', 'bad token shape');
});

t.test('unknown routes are 404 and wrong methods 405 (with Allow)', async (t) => {
  const w = await startWorld(t);
  isProblem(t, await w.request('GET', '/api/nope'), 404, 'NOT_FOUND', 'unknown API route');
  isProblem(t, await w.request('GET', '/nothing-here'), 404, 'NOT_FOUND', 'unknown page without the web hook');
  const wrong = await w.request('DELETE', '/api/me');
  isProblem(t, wrong, 405, 'METHOD_NOT_ALLOWED', 'DELETE /api/me');
  t.match(wrong.headers.get('allow') ?? '', /GET/);
  isProblem(t, await w.request('GET', '/api/auth/login'), 405, 'METHOD_NOT_ALLOWED', 'GET on a POST route');
  isProblem(t, await w.request('PUT', '/ops/health'), 405, 'METHOD_NOT_ALLOWED', 'PUT /ops/health');
});

t.test('bad query parameters and ids are 4xx, never 5xx', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'q@example.com');
  const cookie = a.cookie;
  for (const path of [
    '/api/findings?severity=urgent',
    '/api/findings?status=closed',
    '/api/findings?limit=0',
    '/api/findings?limit=abc',
    '/api/findings?cursor=%00%01',
    '/api/findings?cursor=eyJrIjp7InBrIjoieCJ9fQ',
    '/api/findings?unknown=1',
    '/api/costs?from=yesterday',
    '/api/costs?from=2026-01-10&to=2026-01-01',
    '/api/costs?from=2020-01-01&to=2026-01-01',
    '/api/metrics?from=garbage',
    '/api/metrics?from=2026-01-10T00:00:00Z&to=2026-01-01T00:00:00Z',
    '/api/metrics?resourceId=i-1',
    '/api/recommendations?status=maybe',
  ]) {
    const reply = await w.request('GET', path, { cookie });
    t.ok(reply.status >= 400 && reply.status < 500, `${path} -> ${reply.status}`);
    t.type(reply.json?.code, 'string', `${path} has a code`);
  }
  // A malformed id is the request's fault (400 VALIDATION_FAILED on `params.id`); a well-formed unknown one is 404.
  for (const path of ['/api/accounts/' + 'x'.repeat(300), '/api/accounts/a%23b', '/api/accounts/..%2F..']) {
    const reply = await w.request('DELETE', path, { cookie });
    t.equal(reply.status, 400, `DELETE ${path}`);
    t.equal(reply.json?.code, 'VALIDATION_FAILED');
    t.equal(reply.json?.errors?.[0]?.path, 'params.id');
  }
  t.equal((await w.request('DELETE', '/api/accounts/a-unknown', { cookie })).status, 404, 'a well-formed unknown id is 404');
  const patch = await w.request('PATCH', '/api/recommendations/%00', { cookie, body: { status: 'done' } });
  t.equal(patch.status, 400);
  t.equal(patch.json?.code, 'VALIDATION_FAILED');
  const badStatus = await w.request('PATCH', '/api/recommendations/abc', { cookie, body: { status: 'deleted' } });
  t.equal(badStatus.status, 400);
});

t.test('CSRF: a state-changing request from another origin is refused', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'csrf@example.com');
  const body = { email: 'other@example.com' };
  isProblem(t, await w.request('PUT', '/api/settings', { cookie: a.cookie, body, origin: 'http://evil.example' }), 403, 'CSRF', 'foreign Origin');
  isProblem(t, await w.request('PUT', '/api/settings', { cookie: a.cookie, body, origin: 'null' }), 403, 'CSRF', 'Origin null');
  isProblem(
    t,
    await w.request('PUT', '/api/settings', { cookie: a.cookie, body, origin: null, headers: { referer: 'http://evil.example/page' } }),
    403,
    'CSRF',
    'foreign Referer',
  );
  isProblem(
    t,
    await w.request('PUT', '/api/settings', { cookie: a.cookie, body, origin: null, headers: { 'sec-fetch-site': 'cross-site' } }),
    403,
    'CSRF',
    'cross-site fetch metadata',
  );
  isProblem(t, await w.request('POST', '/api/auth/login', { body: { email: a.email, password: a.password }, origin: 'http://evil.example' }), 403, 'CSRF', 'login CSRF');
  isProblem(t, await w.request('POST', '/api/auth/logout', { cookie: a.cookie, origin: 'http://cloud-health.test.evil.example' }), 403, 'CSRF', 'look-alike origin');
  const me = await w.request('GET', '/api/me', { cookie: a.cookie, origin: 'http://evil.example' });
  t.equal(me.status, 200, 'reads are not state-changing');
  const sameOrigin = await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { digestHour: 9 } });
  t.equal(sameOrigin.status, 200);
  const referer = await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { digestHour: 10 }, origin: null, headers: { referer: 'http://cloud-health.test/settings' } });
  t.equal(referer.status, 200, 'same-origin Referer without Origin');
  const noBrowser = await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { digestHour: 11 }, origin: null });
  t.equal(noBrowser.status, 200, 'no Origin, no Referer: not a browser page');
});

t.test('demo mode accepts loopback origins for CSRF', async (t) => {
  const w = await startWorld(t, { mode: 'demo' });
  const reply = await w.request('POST', '/api/auth/resend', { body: { email: 'a@example.com' }, origin: 'http://localhost:8080' });
  t.equal(reply.status, 202);
  const foreign = await w.request('POST', '/api/auth/resend', { body: { email: 'a@example.com' }, origin: 'http://evil.example' });
  t.equal(foreign.status, 403);
});

t.test('security headers on every response', async (t) => {
  const w = await startWorld(t);
  for (const reply of [await w.request('GET', '/api/openapi.json'), await w.request('GET', '/api/nope'), await w.request('GET', '/ops/health')]) {
    const csp = reply.headers.get('content-security-policy') ?? '';
    t.match(csp, /default-src 'self'/);
    t.match(csp, /frame-ancestors 'none'/);
    t.match(csp, /object-src 'none'/);
    t.equal(reply.headers.get('x-content-type-options'), 'nosniff');
    t.equal(reply.headers.get('referrer-policy'), 'same-origin');
    t.equal(reply.headers.get('x-frame-options'), 'DENY');
    t.equal(reply.headers.get('cache-control'), 'no-store');
    t.equal(reply.headers.get('strict-transport-security'), null, 'no HSTS on an http public URL');
    t.ok(reply.headers.get('x-request-id'));
  }
});

t.test('a failure inside a route is a 500 problem with a reference, not the exception', async (t) => {
  const w = await startWorld(t, {
    app: {
      billing: {
        usage: () => {
          throw new Error('secret internal detail: password=hunter2');
        },
      },
    },
  });
  const a = await signIn(w, 'boom@example.com');
  const reply = await w.request('GET', '/api/overview', { cookie: a.cookie });
  t.equal(reply.status, 500);
  t.equal(reply.json.code, 'INTERNAL');
  t.notMatch(reply.text, /hunter2|secret internal/);
  t.match(reply.json.detail, /^reference [0-9a-f-]{36}$/);
  t.equal(reply.json.detail, `reference ${reply.headers.get('x-request-id')}`);
});
