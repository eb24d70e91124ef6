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
import { costResult, finding, metricsResult, openTestStore, redisSkip, sampleSeries, securityResult, sharedStores, TEST_REDIS_URL } from './fixtures/store.js';

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
  t.equal(pages[0], pages[1], 'the readers share one parsed value (no parse or copy per hit)');
  t.throws(() => pages[0]?.items.pop(), TypeError, 'which no reader can change for the others');
  t.equal(pages[1]?.items.length, 1);

  await store.results.write(securityResult('t-b', 'a-1', [finding('g2', 5, new Date(now).toISOString())]));
  await store.reads.findings('t-a', {});
  t.equal(findingQueries(store), before + 1, "another tenant's write does not invalidate");
  await store.results.write(securityResult('t-a', 'a-1', [finding('f2', 5, new Date(now).toISOString())]));
  const after = await Promise.all(Array.from({ length: 50 }, () => store.reads.findings('t-a', {})));
  t.ok(after.every((p) => p.items.length === 2), 'the tenant\'s own write is seen at once');
  t.equal(findingQueries(store), before + 2, 'and the 50 misses after it read once');
});

t.test('a metrics write leaves cached findings and costs; a findings write drops the findings reads the overview uses', async (t) => {
  const { store } = await openTestStore(t);
  const day = new Date(now).toISOString().slice(0, 10);
  await store.results.write(securityResult('t-a', 'a-1', [finding('f1', 8, new Date(now).toISOString())]));
  await store.results.write(costResult('t-a', 'a-1', { days: 3, endDay: day }));
  const costQueries = () => store.capacity.snapshot().costs?.Query?.requests ?? 0;
  const range = { start: new Date(now - 30 * 86_400_000).toISOString().slice(0, 10), end: new Date(now + 86_400_000).toISOString().slice(0, 10) };
  // What GET /api/overview reads of findings (the counts by band), and GET /api/findings and /api/costs.
  let openLoads = 0;
  const openFindings = () => store.cache.read('t-a', 'findings:open:', async () => (openLoads += 1, (await store.findings.query('t-a', { status: 'open' })).items));
  await openFindings();
  await store.reads.findings('t-a', {});
  await store.reads.costs('t-a', range);
  const [findingsBefore, costsBefore] = [findingQueries(store), costQueries()];

  await store.results.write(metricsResult('t-a', 'a-1', sampleSeries({ instances: 1, regions: ['us-east-1'], start: now - 3_600_000, end: now })));
  await openFindings();
  await store.reads.findings('t-a', {});
  await store.reads.costs('t-a', range);
  t.equal(openLoads, 1, "a metrics write leaves the overview's finding counts cached");
  t.equal(findingQueries(store), findingsBefore, 'and the findings page');
  t.equal(costQueries(), costsBefore, 'and the costs');

  await store.results.write(securityResult('t-a', 'a-1', [finding('f2', 8, new Date(now).toISOString())]));
  t.equal((await openFindings()).length, 2, "a findings write drops the overview's finding counts at once");
  t.equal(openLoads, 2);
  t.equal((await store.reads.findings('t-a', {})).items.length, 2, 'and the findings page');
  t.equal(costQueries(), costsBefore, 'costs stay cached');
});

t.test('memory cache: a write drops the keys that depend on its kinds, and only those', async (t) => {
  const cache = createMemoryCache();
  const loads = new Map<string, number>();
  const read = (tenant: string, key: string) => cache.read(tenant, key, async () => loads.set(`${tenant}/${key}`, (loads.get(`${tenant}/${key}`) ?? 0) + 1).get(`${tenant}/${key}`));
  const keys = ['metrics:x', 'findings:open:', 'costs:recent', 'overview', 'recommendations:current', 'tenant', 'unlisted:key'];
  for (const key of keys) await read('t', key);
  await read('u', 'findings:open:');
  await cache.invalidate('t', ['metrics']);
  const after = async (key: string) => read('t', key);
  t.same(await Promise.all(keys.map(after)), [2, 1, 1, 1, 1, 1, 2], 'metrics: its own keys and keys the table does not know');
  await cache.invalidate('t', ['findings']);
  t.same(await Promise.all(keys.map(after)), [2, 2, 1, 1, 2, 1, 3], 'findings: finding reads and the recommendations derived from them');
  await cache.invalidate('t', ['state']);
  t.same(await Promise.all(keys.map(after)), [2, 2, 1, 2, 3, 1, 4], 'state: the overview inputs');
  await cache.invalidate('t');
  t.same(await Promise.all(keys.map(after)), [3, 3, 2, 3, 4, 2, 5], 'no kinds named: everything of the tenant');
  t.equal(await read('u', 'findings:open:'), 1, 'another tenant keeps its entries');
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

t.test('user cache: a reader changing the user it got changes nothing for the next reader', async (t) => {
  const { store } = await openTestStore(t);
  const created = await store.users.create({ tenantId: 't-u', email: 'copy@example.com', password: 'a long enough password', role: 'admin' });
  const first = await store.users.get('t-u', created.id); // a miss: kept in the cache
  const pristine = structuredClone(first);
  const hit = await store.users.get('t-u', created.id);
  t.not(hit, first, 'every reader gets its own copy');
  // Every field, and every field of every nested object: a nested object added to the record and not copied fails here.
  for (const value of [first, hit] as unknown as Record<string, unknown>[]) {
    for (const [key, field] of Object.entries(value)) {
      if (field && typeof field === 'object') for (const inner of Object.keys(field)) (field as Record<string, unknown>)[inner] = 'changed';
      else value[key] = 'changed';
    }
  }
  t.same(await store.users.get('t-u', created.id), pristine, 'the cached record is as the store gave it');
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
