/**
 * The API's read path: GETs never write to the store; sessions and users come from a short-lived
 * cache, yet a logout, a password reset or a role change is visible on the very next request.
 */
import t from 'tap';
import type { Store } from '../../src/store/index.js';
import { sessionPair, startWorld } from './fixtures/harness.js';
import { seed } from './fixtures/seed.js';

const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/** Write requests the store sent so far, over every table. */
function writes(store: Store): number {
  let total = 0;
  for (const operations of Object.values(store.capacity.snapshot())) {
    for (const [operation, entry] of Object.entries(operations)) if (WRITE_OPERATIONS.has(operation)) total += entry.requests;
  }
  return total;
}

t.test('GET /api/overview and GET /api/recommendations never write, cached or not', async (t) => {
  const w = await startWorld(t);
  const { a } = await seed(w);
  const before = writes(w.store);
  let recommendations: { id: string; status: string }[] = [];
  for (let round = 0; round < 3; round += 1) {
    // Each round misses the cache, so the whole computation runs again.
    await w.store.cache.invalidate(a.tenantId);
    const overview = await w.request('GET', '/api/overview', { cookie: a.cookie });
    t.equal(overview.status, 200);
    const list = await w.request('GET', '/api/recommendations', { cookie: a.cookie });
    t.equal(list.status, 200);
    recommendations = list.json.items;
  }
  t.ok(recommendations.length > 0, 'the seeded data produces recommendations');
  t.equal(writes(w.store), before, 'no store write during the GETs');

  // A PATCH of one never stored persists the set: the counter does see writes.
  const id = recommendations[0]?.id ?? '';
  const patched = await w.request('PATCH', `/api/recommendations/${id}`, { cookie: a.cookie, body: { status: 'dismissed' } });
  t.equal(patched.status, 200);
  t.equal(patched.json.status, 'dismissed');
  t.ok(writes(w.store) > before, 'the PATCH wrote');
  const stored = await w.store.recommendations.list(a.tenantId, { includeInactive: true });
  t.ok(stored.length >= recommendations.length, 'the PATCH stored the current set');
  t.ok(stored.every((r) => r.category !== undefined && r.priority !== undefined), 'with each one\'s category and priority');
  const again = await w.request('GET', '/api/recommendations', { cookie: a.cookie });
  t.equal(again.json.items.find((r: { id: string }) => r.id === id)?.status, 'dismissed', 'the GET shows the stored status');
});

t.test('session cache: logout and a password reset end a session on the next request', async (t) => {
  const w = await startWorld(t);
  const { a } = await seed(w);
  t.equal((await w.request('GET', '/api/me', { cookie: a.cookie })).status, 200);
  t.equal((await w.request('GET', '/api/me', { cookie: a.cookie })).status, 200, 'served again (now from the cache)');
  t.equal((await w.request('POST', '/api/auth/logout', { cookie: a.cookie })).status, 204);
  t.equal((await w.request('GET', '/api/me', { cookie: a.cookie })).status, 401, 'logged out at once');

  const login = await w.request('POST', '/api/auth/login', { body: { email: a.email, password: a.password } });
  const cookie = sessionPair(login);
  t.equal((await w.request('GET', '/api/me', { cookie })).status, 200);
  const token = await w.store.tokens.issue({ purpose: 'reset_password', tenantId: a.tenantId, userId: a.userId, email: a.email, ttlMs: 3_600_000 });
  const reset = await w.request('POST', '/api/auth/reset', { body: { token, password: 'another horse battery' } });
  t.equal(reset.status, 200);
  t.equal((await w.request('GET', '/api/me', { cookie })).status, 401, 'the reset ended the cached session at once');
});

t.test('session cache: a role change applies to the next request', async (t) => {
  const w = await startWorld(t);
  const { a } = await seed(w);
  const admin = await w.store.users.create({ tenantId: a.tenantId, email: 'second-admin@example.com', password: 'correct horse battery', role: 'admin' });
  const { token } = await w.store.sessions.create({ tenantId: a.tenantId, userId: admin.id });
  const cookie = `sid=${token}`;
  t.equal((await w.request('GET', '/api/tokens', { cookie })).status, 200, 'an admin lists the tokens');
  t.equal((await w.request('GET', '/api/tokens', { cookie })).status, 200, 'again, from the cache');
  const demoted = await w.request('PATCH', `/api/members/${admin.id}`, { cookie: a.cookie, body: { role: 'viewer' } });
  t.equal(demoted.status, 200);
  const denied = await w.request('GET', '/api/tokens', { cookie });
  t.equal(denied.status, 403, 'the demotion applies at once');
  t.equal(denied.json.code, 'ROLE_REQUIRED');
});

t.test('the role check reads no user from DynamoDB on a warm request, by cookie or by API token', async (t) => {
  const w = await startWorld(t);
  const { a } = await seed(w);
  const userReads = () => w.store.capacity.snapshot()['users']?.['GetItem']?.requests ?? 0;
  t.equal((await w.request('GET', '/api/accounts', { cookie: a.cookie })).status, 200, 'warm the cache');
  const before = userReads();
  t.ok(before > 0, 'user items are read (and counted) when not cached');
  for (let i = 0; i < 5; i += 1) t.equal((await w.request('GET', '/api/accounts', { cookie: a.cookie })).status, 200);
  t.equal(userReads(), before, 'five signed-in GETs read no user item');
  const created = await w.request('POST', '/api/tokens', { cookie: a.cookie, body: { name: 'reader', scope: 'read' } });
  const bearer = { origin: null, headers: { authorization: `Bearer ${created.json.token}` } };
  t.equal((await w.request('GET', '/api/accounts', bearer)).status, 200);
  const tokenBefore = userReads();
  for (let i = 0; i < 5; i += 1) t.equal((await w.request('GET', '/api/accounts', bearer)).status, 200);
  t.equal(userReads(), tokenBefore, 'nor five GETs with an API token');
});
