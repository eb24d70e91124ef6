import t, { type Test } from 'tap';
import { createRequire } from 'node:module';
import { openTestStore } from './fixtures/store.js';

/**
 * dynalite 4.0.0 opened a LevelDB iterator per Query/Scan and never closed it (its stream's
 * destroy called `iterator.return`, which abstract-level 3 iterators do not have; they have
 * `close`). Each open iterator pins a LevelDB snapshot, so memory grew and compaction could not
 * reclaim disk. patches/dynalite+4.0.0.patch fixes it at install. This test counts the iterators
 * LevelDB holds open: abstract-level registers each one with `attachResource` and forgets it
 * with `detachResource` on close.
 */
const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const levelRequire = createRequire(requireFromDynalite.resolve('level'));
const { AbstractLevel } = levelRequire('abstract-level') as {
  AbstractLevel: { prototype: { attachResource(resource: object): void; detachResource(resource: object): void } };
};

function countOpenResources(t: Test): { open: () => number } {
  const proto = AbstractLevel.prototype;
  const attach = proto.attachResource;
  const detach = proto.detachResource;
  const live = new Set<object>();
  proto.attachResource = function (this: unknown, resource: object) {
    live.add(resource);
    return attach.call(this, resource);
  };
  proto.detachResource = function (this: unknown, resource: object) {
    live.delete(resource);
    return detach.call(this, resource);
  };
  t.teardown(() => {
    proto.attachResource = attach;
    proto.detachResource = detach;
  });
  return { open: () => live.size };
}

/** Within the findings' 90-day retention, so queries return them. */
const recent = new Date().toISOString();

t.test('4,000 queries against embedded dynalite leave no LevelDB iterator open', async (t) => {
  const counter = countOpenResources(t);
  const { store } = await openTestStore(t);
  await store.findings.write('t-leak', 'a-1', [
    { id: 'f1', region: 'us-east-1', detectorId: 'd', type: 'x', title: 'one', description: 'd', severity: 8, resourceType: 'Instance', resourceId: 'i-1', createdAt: recent, updatedAt: recent, archived: false, count: 1 },
  ]);
  const before = counter.open();
  const QUERIES = 4_000;
  // Eight at a time, as a busy service would; half count open findings, half read a page.
  let next = 0;
  const worker = async () => {
    while (next < QUERIES) {
      if (next++ % 2 === 0) await store.findings.openCounts('t-leak');
      else await store.findings.query('t-leak', { limit: 1 });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  t.same(await store.findings.openCounts('t-leak'), { low: 0, medium: 0, high: 1, critical: 0 }, 'the queries read the stored finding');
  // Closing is asynchronous after the response: wait for it with a generous deadline, not a sleep.
  const deadline = Date.now() + 30_000;
  while (counter.open() - before > 10 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const leaked = counter.open() - before;
  t.ok(leaked <= 10, `iterators still open after ${QUERIES} queries: ${leaked} (unpatched dynalite 4.0.0 left more than one per query)`);
});

t.test('a query that stops at its Limit closes its iterator too', async (t) => {
  const counter = countOpenResources(t);
  const { store } = await openTestStore(t);
  const findings = Array.from({ length: 30 }, (_, i) => ({
    id: `f${i}`, region: 'us-east-1', detectorId: 'd', type: 'x', title: `n${i}`, description: 'd', severity: 5, resourceType: 'Instance', resourceId: 'i-1',
    createdAt: recent, updatedAt: new Date(Date.now() - i * 1_000).toISOString(), archived: false, count: 1,
  }));
  await store.findings.write('t-limit', 'a-1', findings);
  const before = counter.open();
  const sizes = new Set<number>();
  for (let i = 0; i < 200; i += 1) sizes.add((await store.findings.query('t-limit', { limit: 5 })).items.length);
  t.same([...sizes], [5], 'every page holds its limit');
  const deadline = Date.now() + 30_000;
  while (counter.open() - before > 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  t.ok(counter.open() - before <= 5, `open iterators after 200 limited queries: ${counter.open() - before}`);
});
