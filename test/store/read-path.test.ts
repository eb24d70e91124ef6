/**
 * The read path under load: simultaneous misses merged into one store read, entries refreshed
 * before they expire, invalidation scoped to the tenant written, and the session cache shared
 * across instances through Redis pub/sub.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { silentLogger } from '../../src/log.js';
import type { Store } from '../../src/store/index.js';
import { createMemoryCache } from '../../src/store/cache/memory-cache.js';
import { createRedisCache } from '../../src/store/cache/redis-cache.js';
import { finding, openTestStore, redisSkip, securityResult, sharedStores, TEST_REDIS_URL } from './fixtures/store.js';

const skipRedis = await redisSkip(t);
const now = Date.now();
const findingQueries = (store: Store) => store.capacity.snapshot().findings?.Query?.requests ?? 0;
const sessionGets = (store: Store) => store.capacity.snapshot().sessions?.GetItem?.requests ?? 0;

/** Poll `check` until it holds or `ms` pass (a generous deadline, not a duration under test). */
async function eventually(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await delay(25);
  }
  return check();
}

t.test('50 simultaneous misses of one tenant read the store once; a write of another tenant leaves the entry', async (t) => {
  const { store } = await openTestStore(t);
  await store.results.write(securityResult('t-a', 'a-1', [finding('f1', 5, new Date(now).toISOString())]));
  await store.results.write(securityResult('t-b', 'a-1', [finding('g1', 5, new Date(now).toISOString())]));
  const before = findingQueries(store);
  const pages = await Promise.all(Array.from({ length: 50 }, () => store.reads.findings('t-a', {})));
  t.ok(pages.every((p) => p.items.length === 1));
  t.equal(findingQueries(store), before + 1, 'one Query for 50 readers');
  pages[0]?.items.pop();
  t.equal(pages[1]?.items.length, 1, 'each reader got its own copy');

  await store.results.write(securityResult('t-b', 'a-1', [finding('g2', 5, new Date(now).toISOString())]));
  await store.reads.findings('t-a', {});
  t.equal(findingQueries(store), before + 1, "another tenant's write does not invalidate");
  await store.results.write(securityResult('t-a', 'a-1', [finding('f2', 5, new Date(now).toISOString())]));
  const after = await Promise.all(Array.from({ length: 50 }, () => store.reads.findings('t-a', {})));
  t.ok(after.every((p) => p.items.length === 2), 'the tenant\'s own write is seen at once');
  t.equal(findingQueries(store), before + 2, 'and the 50 misses after it read once');
});

t.test('memory cache: an entry past refreshAfterMs is served while one background load replaces it', async (t) => {
  let clock = 0;
  const cache = createMemoryCache({ ttlMs: 1_000, refreshAfterMs: 500, now: () => clock });
  let loads = 0;
  let release: (value: string) => void = () => {};
  const load = () => {
    loads += 1;
    return loads === 1 ? Promise.resolve('v1') : new Promise<string>((resolve) => (release = resolve));
  };
  t.equal(await cache.read('t', 'k', load), 'v1');
  clock = 600;
  const reads = await Promise.all(Array.from({ length: 10 }, () => cache.read('t', 'k', load)));
  t.same(new Set(reads), new Set(['v1']), 'readers are not held by the refresh');
  t.equal(loads, 2, 'one background load for all of them');
  release('v2');
  t.ok(await eventually(async () => (await cache.read('t', 'k', load)) === 'v2'), 'the refreshed value replaces the old one');
  t.equal(loads, 2);
  clock = 600 + 1_000;
  t.equal(await cache.read('t', 'k', async () => 'v3'), 'v3', 'past the TTL an entry is not served');
});

t.test('Redis cache: simultaneous misses merged on an instance', { skip: skipRedis }, async (t) => {
  const cache = createRedisCache({ url: TEST_REDIS_URL, prefix: `cloud-health-test:${randomBytes(4).toString('hex')}:`, log: silentLogger() });
  t.teardown(() => cache.close());
  t.ok(await eventually(async () => (await cache.read('t-w', 'probe', async () => 1)) === 1 && cache.stats.attempted > 0));
  let loads = 0;
  const values = await Promise.all(
    Array.from({ length: 50 }, () =>
      cache.read('t-x', 'k', async () => {
        loads += 1;
        await delay(50);
        return { n: 1 };
      }),
    ),
  );
  t.equal(loads, 1, 'one load for 50 readers');
  t.ok(values.every((v) => v.n === 1));
});

t.test('session cache on one instance: cached, and revoked at once', async (t) => {
  const { store } = await openTestStore(t);
  const { token } = await store.sessions.create({ tenantId: 't-s', userId: 'u-1' });
  const before = sessionGets(store);
  const sessions = await Promise.all(Array.from({ length: 20 }, () => store.sessions.get(token)));
  t.ok(sessions.every((s) => s?.userId === 'u-1'));
  await store.sessions.get(token);
  t.equal(sessionGets(store), before + 1, 'one store read for 21 resolutions');
  await store.sessions.revoke(token);
  t.equal(await store.sessions.get(token), undefined, 'revoked on the next resolution');
});

t.test('session cache across two instances: a revocation and a role change reach the other within seconds', { skip: skipRedis }, async (t) => {
  // Long enough that only the bus can explain a quick revocation.
  const open = await sharedStores(t, { sessionCacheTtlMs: 600_000 });
  const a = await open();
  const b = await open();
  const user = await a.users.create({ tenantId: 't-x', email: 'bus@example.com', password: 'correct horse battery', role: 'admin' });
  const { token } = await a.sessions.create({ tenantId: 't-x', userId: user.id });
  t.equal((await b.sessions.get(token))?.userId, user.id);
  t.equal((await b.users.get('t-x', user.id))?.role, 'admin');
  const gets = sessionGets(b);
  await b.sessions.get(token);
  t.equal(sessionGets(b), gets, 'instance B serves the session from its cache');

  // The bus connects in the background; until it does a message could be missed, so wait for it.
  await a.sessions.revoke(token);
  t.ok(await eventually(async () => (await b.sessions.get(token)) === undefined), "A's logout ends the session on B");
  await a.users.setRole('t-x', user.id, 'viewer');
  t.ok(await eventually(async () => (await b.users.get('t-x', user.id))?.role === 'viewer'), "A's role change reaches B");
});
