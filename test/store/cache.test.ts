import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { silentLogger } from '../../src/log.js';
import type { Store } from '../../src/store/index.js';
import { createBreaker } from '../../src/store/cache/breaker.js';
import { createMemoryCache } from '../../src/store/cache/memory-cache.js';
import { createRedisCache } from '../../src/store/cache/redis-cache.js';
import { finding, redisSkip, openTestStore, redisAnswers, securityResult, sharedStores, TEST_REDIS_URL } from './fixtures/store.js';

const now = Date.now();
const skipRedis = await redisSkip(t);
const newFinding = (id: string, severity = 5) => finding(id, severity, new Date(now).toISOString());
const queries = (store: Store) => store.capacity.snapshot().findings?.Query?.requests ?? 0;

/** Wait until the store's Redis connection serves hits (it connects in the background). */
async function waitForCacheHits(store: Store): Promise<boolean> {
  for (let i = 0; i < 100; i += 1) {
    await store.reads.recommendations('t-warmup');
    const before = store.capacity.snapshot().recommendations?.Query?.requests ?? 0;
    await store.reads.recommendations('t-warmup');
    if ((store.capacity.snapshot().recommendations?.Query?.requests ?? 0) === before) return true;
    await store.cache.invalidate('t-warmup');
    await delay(20);
  }
  return false;
}

/** Reads are cached; a write for the tenant makes them stale at once; other tenants keep theirs. */
async function checkInvalidation(t: Test, store: Store): Promise<void> {
  await store.results.write(securityResult('t-a', 'a-1', [newFinding('f1')]));
  await store.results.write(securityResult('t-b', 'a-1', [newFinding('g1')]));
  t.equal((await store.reads.findings('t-a', {})).items.length, 1);
  t.equal((await store.reads.findings('t-b', {})).items.length, 1);
  const before = queries(store);
  t.equal((await store.reads.findings('t-a', {})).items.length, 1);
  t.equal(queries(store), before, 'the second read came from the cache');

  await store.results.write(securityResult('t-a', 'a-1', [newFinding('f2')]));
  t.equal((await store.reads.findings('t-a', {})).items.length, 2, 'stale at once after a write');
  t.equal(queries(store), before + 1);
  await store.reads.findings('t-b', {});
  t.equal(queries(store), before + 1, "another tenant's cached reads are untouched");

  await store.recommendations.sync('t-a', [{ id: 'r1', accountId: 'a-1', rule: 'x', title: 'T', detail: 'D', severity: 'info' }]);
  t.equal((await store.reads.recommendations('t-a')).length, 1);
  await store.recommendations.setStatus('t-a', 'r1', 'dismissed');
  t.equal((await store.reads.recommendations('t-a', { status: 'open' })).length, 0);
  t.equal((await store.reads.recommendations('t-a'))[0]?.status, 'dismissed', 'a status change is visible at once');
}

t.test('in-process LRU: read-through, invalidated on write', async (t) => {
  const { store } = await openTestStore(t);
  t.equal(store.cache.kind, 'memory');
  await checkInvalidation(t, store);
});

t.test('memory cache: a write during a load makes that load unreachable', async (t) => {
  const cache = createMemoryCache({ ttlMs: 60_000 });
  let release: () => void = () => {};
  const loading = cache.read('t-a', 'k', () => new Promise<string>((resolve) => (release = () => resolve('old'))));
  await cache.invalidate('t-a');
  release();
  t.equal(await loading, 'old');
  t.equal(await cache.read('t-a', 'k', async () => 'new'), 'new', 'the old value was not served after the write');
});

t.test('memory cache: expired entries and those a write made unreachable are purged, not kept until the size bound', async (t) => {
  let clock = Date.UTC(2026, 0, 5);
  const cache = createMemoryCache({ ttlMs: 200, now: () => clock });
  t.teardown(() => cache.close());
  for (let i = 0; i < 50; i++) await cache.read('t-a', `costs#${i}`, async () => ({ day: i }));
  t.equal(cache.entries(), 50);
  await cache.invalidate('t-a');
  for (let i = 0; i < 50; i++) await cache.read('t-a', `costs#${i}`, async () => ({ day: i, again: true }));
  t.equal(cache.entries(), 100, 'the write left the old entries unreachable, still held');
  clock += 250;
  const deadline = Date.now() + 20_000;
  while (cache.entries() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(cache.entries(), 0, 'all purged once their time to live passed');
});

/** A generation tag changes with a write of one of its kinds, for its tenant only. */
async function checkGeneration(t: Test, store: Store): Promise<void> {
  const findingsTag = async () => (await store.cache.generations('t-a', ['findings', 'tenant']))?.join('.');
  const before = await findingsTag();
  t.type(before, 'string');
  const otherTenant = (await store.cache.generations('t-b', ['findings', 'tenant']))?.join('.');
  await store.results.write(securityResult('t-a', 'a-1', [newFinding('gen-1')]));
  const after = await findingsTag();
  t.not(after, before, 'a findings write changes the findings generation');
  t.equal((await store.cache.generations('t-b', ['findings', 'tenant']))?.join('.'), otherTenant, "another tenant's is untouched");
  await store.cache.invalidate('t-a', ['metrics']);
  t.equal(await findingsTag(), after, 'a metrics write leaves it');
}

t.test('memory cache: generations of data kinds', async (t) => {
  const { store } = await openTestStore(t);
  await checkGeneration(t, store);
});

t.test('Redis: generations of data kinds, shared', { skip: skipRedis }, async (t) => {
  const { store } = await openTestStore(t, { redisUrl: TEST_REDIS_URL, cachePrefix: `cloud-health-test:${randomBytes(4).toString('hex')}:` });
  t.ok(await waitForCacheHits(store), 'connected to Redis');
  await checkGeneration(t, store);
});

t.test('Redis: read-through, invalidated on write (shared Redis, unique prefix)', { skip: skipRedis }, async (t) => {
  const { store } = await openTestStore(t, { redisUrl: TEST_REDIS_URL, cachePrefix: `cloud-health-test:${randomBytes(4).toString('hex')}:` });
  t.equal(store.cache.kind, 'redis');
  t.ok(await waitForCacheHits(store), 'connected to Redis');
  await checkInvalidation(t, store);
});

t.test('Redis: two instances share invalidation; a write during a load wins', { skip: skipRedis }, async (t) => {
  // Two instances on the same tables and Redis: one serves the API, the other collects.
  const open = await sharedStores(t);
  const web = await open();
  const collector = await open();
  t.equal(web.location, 'endpoint');
  t.ok(await waitForCacheHits(web), 'connected to Redis');

  await collector.results.write(securityResult('t-a', 'a-1', [newFinding('f1')]));
  t.equal((await web.reads.findings('t-a', {})).items.length, 1);
  const before = queries(web);
  t.equal((await web.reads.findings('t-a', {})).items.length, 1);
  t.equal(queries(web), before, 'cached by the web instance');
  await collector.results.write(securityResult('t-a', 'a-1', [newFinding('f2')]));
  t.equal((await web.reads.findings('t-a', {})).items.length, 2, "the collector's write made the web instance's cache stale");

  const log = silentLogger();
  const cachePrefix = `cloud-health-test:${randomBytes(4).toString('hex')}:`;
  const a = createRedisCache({ url: TEST_REDIS_URL, prefix: cachePrefix, log });
  const b = createRedisCache({ url: TEST_REDIS_URL, prefix: cachePrefix, log });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  for (let i = 0; i < 100 && (await a.read('t-r', 'probe', async () => i)) !== 0; i += 1) await delay(20);
  let release: () => void = () => {};
  const slow = a.read('t-r', 'race', () => new Promise<string>((resolve) => (release = () => resolve('before-write'))));
  await delay(20);
  await b.invalidate('t-r');
  release();
  t.equal(await slow, 'before-write');
  t.equal(await a.read('t-r', 'race', async () => 'after-write'), 'after-write', 'a load that raced a write is not served');
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

t.test('Redis stopped mid-test: reads still succeed, from DynamoDB, without waiting on Redis', { skip: skipRedis }, async (t) => {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => {
    child.once('exit', resolve);
    child.once('error', resolve);
  });
  t.teardown(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  let up = false;
  for (let i = 0; i < 100 && !up; i += 1) {
    up = await redisAnswers(url);
    if (!up) await delay(50);
  }
  if (!up) {
    t.fail(`our own redis-server on port ${port} did not start`);
    return;
  }
  const { store } = await openTestStore(t, { redisUrl: url, cachePrefix: 'own:', cacheBreakerOpenMs: 60_000 });
  t.ok(await waitForCacheHits(store), 'connected to our Redis');
  await store.results.write(securityResult('t-a', 'a-1', [newFinding('f1')]));
  t.equal((await store.reads.findings('t-a', {})).items.length, 1);
  const cachedQueries = queries(store);
  t.equal((await store.reads.findings('t-a', {})).items.length, 1);
  t.equal(queries(store), cachedQueries, 'served by our Redis');

  child.kill('SIGKILL');
  await exited;
  const stats = (store.cache as unknown as { stats: { attempted: number; bypassed: number } }).stats;
  const attemptedBefore = stats.attempted;
  const timings: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const started = performance.now();
    const page = await store.reads.findings('t-a', {});
    timings.push(performance.now() - started);
    t.equal(page.items.length, 1);
  }
  t.ok(queries(store) > cachedQueries, 'answered from DynamoDB');
  await store.results.write(securityResult('t-a', 'a-1', [newFinding('f2')]));
  t.equal((await store.reads.findings('t-a', {})).items.length, 2, 'writes work and reads see them');
  t.comment(`read times with Redis dead (ms): ${timings.map((ms) => ms.toFixed(1)).join(' ')}`);
  // Behaviour, not timing (the machine is shared): after the first failure, reads no longer
  // send anything to the dead Redis, so none can wait on it.
  t.ok(stats.attempted - attemptedBefore <= 2, `at most two calls reached the dead Redis (${stats.attempted - attemptedBefore})`);
  t.ok(stats.bypassed >= 18, `the other reads skipped Redis (${stats.bypassed})`);
});

t.test('breaker: opens on failure, lets one probe through after openMs, closes on success', async (t) => {
  let clock = 0;
  const changes: string[] = [];
  const breaker = createBreaker({ openMs: 1_000, now: () => clock, onChange: (s) => changes.push(s) });
  t.ok(breaker.allow());
  breaker.failure();
  t.equal(breaker.state, 'open');
  t.notOk(breaker.allow());
  clock = 1_000;
  t.ok(breaker.allow(), 'one probe');
  t.notOk(breaker.allow(), 'only one');
  breaker.failure();
  t.notOk(breaker.allow());
  clock = 2_500;
  t.ok(breaker.allow());
  breaker.success();
  t.equal(breaker.state, 'closed');
  t.same(changes, ['open', 'half-open', 'open', 'half-open', 'closed']);
});

t.test('without Redis, two stores on the same tables (the API and collection threads) drop each other\'s cached reads through onInvalidate', async (t) => {
  const open = await sharedStores(t, { redisUrl: undefined });
  const told: string[] = [];
  let api: Store | undefined;
  // The collection thread's store: its writes are told to the API thread's store, as collection-thread.ts posts them.
  const collection = await open({
    onInvalidate: (tenantId, kinds) => {
      told.push(`${tenantId}:${(kinds ?? ['*']).join(',')}`);
      void api?.cache.invalidate(tenantId, kinds);
    },
  });
  api = await open();
  const silent = await open();
  t.equal(api.cache.kind, 'memory', 'each store has its own memory cache');
  await collection.results.write(securityResult('t-a', 'a-1', [newFinding('f1')]));
  t.equal((await api.reads.findings('t-a', {})).items.length, 1);
  t.equal((await silent.reads.findings('t-a', {})).items.length, 1);
  await collection.results.write(securityResult('t-a', 'a-1', [newFinding('f2')]));
  t.ok(told.some((entry) => entry.startsWith('t-a:')), `the write was told (${told.join(' ')})`);
  t.equal((await api.reads.findings('t-a', {})).items.length, 2, 'the told store reads the new finding at once');
  t.equal((await silent.reads.findings('t-a', {})).items.length, 1, 'a store nobody told keeps its stale entry until the TTL (what the hook is for)');
});
