/**
 * The rendered-response cache's stale-while-revalidate rule (src/http/rendered-responses.ts), on
 * its own with a build we hold: a change of collected kinds or live parts is answered from the
 * entry before it without waiting for the rebuild, a change of a kind users write waits for it.
 */
import t from 'tap';
import type Koa from 'koa';
import { createRenderedResponses } from '../../src/http/rendered-responses.js';
import type { DataKind } from '../../src/store/index.js';

/** The part of a Koa context the cache uses. */
function fakeContext() {
  const headers = new Map<string, string>();
  const ctx = { req: { headers: {} }, status: 0, body: undefined as unknown, set: (name: string, value: string) => void headers.set(name, value) };
  return { ctx: ctx as unknown as Koa.Context, answer: () => JSON.parse((ctx.body as Buffer).toString('utf8')) as { n: number } };
}

t.test('collected changes are answered from the entry before them while one rebuild runs; user changes wait', async (t) => {
  const generations: Record<DataKind, number> = { tenant: 0, metrics: 0, state: 0, costs: 0, findings: 0, recommendations: 0 };
  let clock = 1_000_000;
  const cache = createRenderedResponses({
    generations: async (_tenantId, kinds) => kinds.map((k) => String(generations[k])),
    now: () => clock,
  });
  let builds = 0;
  let release: (() => void) | undefined;
  const request = (live = '') => ({
    tenantId: 't1',
    key: '/api/overview',
    kinds: ['tenant', 'metrics', 'state', 'findings', 'recommendations'] as DataKind[],
    live,
    build: async () => {
      const n = ++builds;
      if (n > 1) await new Promise<void>((resolve) => (release = resolve));
      return { n };
    },
  });
  const send = async (live = '') => {
    const { ctx, answer } = fakeContext();
    await cache.send(ctx, request(live));
    return answer().n;
  };

  t.equal(await send(), 1, 'first build');
  generations.findings++;
  t.equal(await send(), 1, 'a collected change: answered from the entry before it, without waiting for the held rebuild');
  t.equal(await send(), 1, 'and again while that rebuild runs');
  t.equal(builds, 2, 'one rebuild for both requests');
  t.ok(await cache.fresh(request()), 'the fast path may answer it too while the rebuild is on its way');
  release!();
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(await send(), 2, 'then the rebuilt entry');

  const live = send('collector states changed');
  t.equal(await live, 2, 'a live change is served the same way');
  release!();
  await new Promise((resolve) => setImmediate(resolve));

  generations.tenant++;
  let answered = false;
  const waiting = send('collector states changed').then((n) => ((answered = true), n));
  await new Promise((resolve) => setImmediate(resolve));
  t.notOk(answered, 'a change of a kind users write waits for the rebuild');
  t.notOk(await cache.fresh(request('collector states changed')), 'and the fast path does not answer it');
  release!();
  t.equal(await waiting, 4, 'and answers with it');

  generations.recommendations++;
  t.equal(await send('collector states changed'), 4, "the refresher's recommendations sync after collection is answered like collected data");
  release!();
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(await send('collector states changed'), 5);

  generations.metrics++;
  clock += 5_000;
  answered = false;
  const old = send('collector states changed').then((n) => ((answered = true), n));
  await new Promise((resolve) => setImmediate(resolve));
  t.notOk(answered, 'an entry past maxAge + stale (5 s) is not answered: the request waits');
  release!();
  t.equal(await old, 6);
});
