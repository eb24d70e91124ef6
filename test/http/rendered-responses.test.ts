/**
 * The rendered overview and findings (src/http/rendered-responses.ts): served from bytes kept per
 * tenant and query with a strong ETag. A user's write changes the next answer; a collector's
 * write or live state and the clock change the answer once one rebuild has run (the body from
 * before answers meanwhile, for a few seconds at most); another tenant or a caller without a
 * valid session never gets them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { finding, securityResult } from '../store/fixtures/store.js';
import { startWorld } from './fixtures/harness.js';
import { seed } from './fixtures/seed.js';

t.test('rendered overview and findings', async (t) => {
  const w = await startWorld(t);
  const { a, b, accountId } = await seed(w);
  const get = (path: string, cookie: string, headers: Record<string, string> = {}) => w.request('GET', path, { cookie, headers });
  /** GET `path` until `check` holds of the answer (the rebuild runs in the background). */
  const eventually = async (path: string, cookie: string, check: (answer: Awaited<ReturnType<typeof get>>) => boolean) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const answer = await get(path, cookie);
      if (check(answer) || Date.now() > deadline) return answer;
      await sleep(20);
    }
  };

  await t.test('a repeated GET answers the same bytes and ETag; If-None-Match with it is a 304', async (t) => {
    for (const path of ['/api/overview', '/api/findings']) {
      const first = await get(path, a.cookie);
      t.equal(first.status, 200, first.text);
      const etag = first.headers.get('etag') ?? '';
      t.match(etag, /^"[A-Za-z0-9_-]+"$/, `${path}: a strong ETag`);
      t.match(first.headers.get('content-type') ?? '', /^application\/json; charset=utf-8$/);
      t.equal(first.headers.get('cache-control'), 'no-store', 'still never stored by shared or browser caches');
      const again = await get(path, a.cookie);
      t.equal(again.headers.get('etag'), etag);
      t.equal(again.text, first.text);
      const notModified = await get(path, a.cookie, { 'if-none-match': etag });
      t.equal(notModified.status, 304, `${path}: 304 on a matching ETag`);
      t.equal(notModified.text, '', 'without a body');
      t.equal((await get(path, a.cookie, { 'if-none-match': '"something-else"' })).status, 200, 'another ETag gets the body');
    }
  });

  await t.test('a collector write is answered at once from the body before it, then by the rebuilt one', async (t) => {
    const overview = await get('/api/overview', a.cookie);
    const findings = await get('/api/findings', a.cookie);
    const critical = overview.json.accounts[0].findingsBySeverity.critical as number;
    const total = findings.json.total as number;
    await w.store.results.write(securityResult(a.tenantId, accountId, [finding('brand-new', 9.5, new Date(w.clock.now).toISOString())]));
    const meanwhile = await get('/api/overview', a.cookie, { 'if-none-match': overview.headers.get('etag') ?? '' });
    t.equal(meanwhile.status, 304, 'the first answer after it is the body from before (its ETag still matches) while one rebuild runs');
    const overviewAfter = await eventually('/api/overview', a.cookie, (answer) => answer.headers.get('etag') !== overview.headers.get('etag'));
    t.equal(overviewAfter.json.accounts[0].findingsBySeverity.critical, critical + 1, 'then the new critical finding is counted');
    const findingsAfter = await eventually('/api/findings', a.cookie, (answer) => answer.json.total !== total);
    t.equal(findingsAfter.json.total, total + 1);
    t.ok(findingsAfter.json.items.some((f: { id: string }) => f.id === 'brand-new'), 'and listed');
    t.not(findingsAfter.headers.get('etag'), findings.headers.get('etag'));
  });

  await t.test("a user's own write is in the very next answer", async (t) => {
    const before = await get('/api/overview', a.cookie);
    t.equal((await get('/api/overview', a.cookie)).headers.get('etag'), before.headers.get('etag'), 'cached');
    const renamed = await w.request('PATCH', `/api/accounts/${accountId}`, { cookie: a.cookie, body: { name: 'Renamed by its owner' } });
    t.equal(renamed.status, 200, renamed.text);
    const after = await get('/api/overview', a.cookie);
    t.equal(after.json.accounts[0].account.name, 'Renamed by its owner', 'no stale answer after a change of the tenant');
  });

  await t.test("a user's recommendation status is in the very next overview", async (t) => {
    const before = await get('/api/overview', a.cookie);
    const top = before.json.topRecommendations[0] as { id: string; status: string };
    t.equal(top.status, 'open');
    const patched = await w.request('PATCH', `/api/recommendations/${encodeURIComponent(top.id)}`, { cookie: a.cookie, body: { status: 'dismissed' } });
    t.equal(patched.status, 200, patched.text);
    const after = await get('/api/overview', a.cookie);
    t.notOk(
      (after.json.topRecommendations as { id: string; status: string }[]).some((r) => r.id === top.id && r.status === 'open'),
      'the dismissed recommendation is not shown open, without waiting for a rebuild',
    );
  });

  await t.test('the body from before a collector write is not answered once it is older than the stale window', async (t) => {
    const before = await get('/api/findings', a.cookie);
    const total = before.json.total as number;
    await w.store.results.write(securityResult(a.tenantId, accountId, [finding('later-still', 9.1, new Date(w.clock.now).toISOString())]));
    w.clock.now += 10_000;
    const after = await get('/api/findings', a.cookie);
    t.equal(after.json.total, total + 1, 'past maxAge + stale (5 s by default) the answer waits for the rebuild');
  });

  await t.test('the query is part of the key', async (t) => {
    const all = await get('/api/findings', a.cookie);
    const high = await get('/api/findings?severity=critical', a.cookie);
    t.ok(all.json.total > high.json.total, 'a filtered page is not the unfiltered one');
    t.ok(high.json.items.every((f: { band: string }) => f.band === 'critical'));
    t.equal((await get('/api/findings', a.cookie)).json.total, all.json.total, 'and the unfiltered one is still itself');
  });

  await t.test('another tenant never gets the body, not even with its ETag', async (t) => {
    const mine = await get('/api/findings', a.cookie);
    t.ok(mine.json.total > 0);
    for (const path of ['/api/findings', '/api/overview']) {
      const etag = (await get(path, a.cookie)).headers.get('etag') ?? '';
      const theirs = await get(path, b.cookie, { 'if-none-match': etag });
      t.equal(theirs.status, 200, `${path}: A's ETag means nothing to B`);
      t.not(theirs.headers.get('etag'), etag);
      t.not(theirs.text, (await get(path, a.cookie)).text);
    }
    t.equal((await get('/api/findings', b.cookie)).json.total, 0, 'B has no findings');
    t.same((await get('/api/overview', b.cookie)).json.accounts, [], 'and no accounts');
  });

  await t.test('without a valid session nothing cached is answered', async (t) => {
    const cached = await get('/api/overview', a.cookie);
    t.equal(cached.status, 200);
    t.equal((await w.request('GET', '/api/overview')).status, 401, 'no cookie');
    t.equal((await get('/api/overview', 'sid=not-a-session', { 'if-none-match': cached.headers.get('etag') ?? '' })).status, 401, 'an unknown session, even with the ETag');
  });

  await t.test("a collector's live state changes the overview without a store write", async (t) => {
    const before = await get('/api/overview', a.cookie);
    const nextRunAt = w.clock.now + 123_000;
    w.registry.collectorScheduled(a.tenantId, 'cost', nextRunAt);
    // Live states are read at most every 250 ms (overview.ts, liveVersions); no store write, no other change.
    w.clock.now += 300;
    const after = await eventually('/api/overview', a.cookie, (answer) => answer.json.accounts[0].collectors.cost.nextRunAt === new Date(nextRunAt).toISOString());
    t.equal(after.json.accounts[0].collectors.cost.nextRunAt, new Date(nextRunAt).toISOString(), 'once one rebuild has run');
    t.not(after.headers.get('etag'), before.headers.get('etag'));
  });

  await t.test('what depends on the clock alone is rebuilt once the entry is old', async (t) => {
    const before = await get('/api/overview', a.cookie);
    t.equal((await get('/api/overview', a.cookie)).json.generatedAt, before.json.generatedAt, 'served from the cache meanwhile');
    w.clock.now += 60_000;
    const after = await get('/api/overview', a.cookie);
    t.equal(after.json.generatedAt, new Date(w.clock.now).toISOString(), 'built at the new time');
  });

  await t.test('a logout ends access to the cached body at once', async (t) => {
    const login = await w.request('POST', '/api/auth/login', { body: { email: a.email, password: a.password } });
    t.equal(login.status, 200);
    const cookie = /sid=[A-Za-z0-9_-]+/.exec(login.headers.get('set-cookie') ?? '')?.[0] ?? '';
    t.equal((await get('/api/findings', cookie)).status, 200);
    t.equal((await w.request('POST', '/api/auth/logout', { cookie })).status, 204);
    t.equal((await get('/api/findings', cookie)).status, 401);
  });
});
