/**
 * One normal form of the path for routing and every guard: a mixed-case, percent-encoded or
 * slash-padded spelling of an unsafe route with a foreign Origin never reaches the handler, and
 * every answer carries `Cache-Control: no-store`.
 */
import t from 'tap';
import { signIn, startWorld } from './fixtures/harness.js';

const EVIL = 'https://evil.example';

/** Spellings of `path` a router or a guard might treat differently. */
function variants(path: string): string[] {
  const mixed = path.replace(/[a-z]/g, (c, i: number) => (i % 2 === 0 ? c.toUpperCase() : c));
  const out = new Set([
    path.toUpperCase(),
    mixed,
    path.replace('/api/', '/API/').replace('/ops/', '/OPS/'),
    path.replace(/^\/(a|o)/, (_m, c: string) => `/%${c.charCodeAt(0).toString(16)}`),
    `${path}/`,
    `/${path}`,
    path.replace(/\/([^/]+)$/, '//$1'),
  ]);
  out.delete(path);
  return [...out];
}

t.test('every unsafe route in every spelling with a foreign Origin is refused and not cached', async (t) => {
  const w = await startWorld(t, { operatorToken: undefined });
  const a = await signIn(w, 'victim@example.com');
  const connect = await w.request('POST', '/api/accounts', {
    cookie: a.cookie,
    body: { name: 'Production', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', regions: ['us-east-1'] },
  });
  t.equal(connect.status, 201);
  const accountId = connect.json.id as string;
  w.registry.tenantStarted(a.tenantId);

  const document = (await w.request('GET', '/api/openapi.json')).json;
  const unsafe: [string, string][] = [];
  for (const [path, operations] of Object.entries(document.paths as Record<string, object>)) {
    for (const method of Object.keys(operations)) {
      if (method === 'get') continue;
      unsafe.push([method.toUpperCase(), path.replace('{id}', method === 'delete' ? accountId : a.tenantId)]);
    }
  }
  t.ok(unsafe.length >= 8, `the document lists the unsafe routes (${unsafe.length})`);
  const bodies: Record<string, unknown> = { PUT: { monthlyBudgetUsd: 12 }, PATCH: { status: 'done' } };
  for (const [method, path] of unsafe) {
    for (const spelling of [path, ...variants(path)]) {
      const reply = await w.request(method, spelling, { cookie: a.cookie, origin: EVIL, body: bodies[method] ?? {} });
      t.ok(reply.status >= 400 && reply.status < 500, `${method} ${spelling} -> ${reply.status} is refused`);
      t.not(reply.status, 500);
      t.equal(reply.headers.get('cache-control'), 'no-store', `${method} ${spelling} is not cacheable`);
    }
  }
  const accounts = await w.request('GET', '/api/accounts', { cookie: a.cookie });
  t.same(accounts.json.map((x: { id: string }) => x.id), [accountId], 'the account is still there');
  t.equal((await w.request('GET', '/api/me', { cookie: a.cookie })).status, 200, 'the session is still live');
  const settings = await w.request('GET', '/api/settings', { cookie: a.cookie });
  t.equal(settings.json.monthlyBudgetUsd, null, 'the settings were not changed');
  t.same(w.restarted, [], 'no operator restart');
});

t.test('the routes are case-sensitive: a mixed-case spelling is not the route', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'case@example.com');
  const upper = await w.request('GET', '/API/ME', { cookie: a.cookie });
  t.equal(upper.status, 404);
  t.equal(upper.headers.get('cache-control'), 'no-store');
  const same = await w.request('PUT', '/API/settings', { cookie: a.cookie, body: { monthlyBudgetUsd: 12 } });
  t.equal(same.status, 404, 'even same-origin, /API/ is not /api/');
});
