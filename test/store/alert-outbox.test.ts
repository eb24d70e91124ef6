/** The alert outbox and owned alert markers on the real embedded store. */
import t from 'tap';
import { openTestStore } from './fixtures/store.js';

const TENANT = 't-outbox1';
const OTHER = 't-outbox2';

t.test('an item is written locked, listed per tenant, changed only under its lock, and deleted', async (t) => {
  let now = Date.UTC(2026, 0, 5, 12);
  const { store, queryItems } = await openTestStore(t, { now: () => now });
  const outbox = store.outbox;

  await outbox.create({ tenantId: TENANT, id: 'ob-1', kind: 'findings', state: 'intent', payload: '{"a":1}', notBefore: now + 10_000 }, 'me', now + 60_000);
  await outbox.create({ tenantId: OTHER, id: 'ob-2', kind: 'costs', state: 'intent', payload: '{}', notBefore: now }, 'me', now + 60_000);
  await store.alerts.claim(TENANT, 'digest#2026-01-05#u-1', 60_000);

  const [item, ...rest] = await outbox.list(TENANT);
  t.same(rest, [], 'only the tenant\'s own items, not its markers nor another tenant\'s items');
  t.match(item, { tenantId: TENANT, id: 'ob-1', kind: 'findings', state: 'intent', payload: '{"a":1}', sent: [], attempts: 0, lockedBy: 'me', lockedUntil: now + 60_000, lockedAt: now });
  await t.rejects(
    outbox.create({ tenantId: TENANT, id: 'ob-1', kind: 'findings', state: 'intent', payload: '{}', notBefore: now }, 'me', now),
    { name: 'ConditionalCheckFailedException' },
    'an id is written once',
  );

  t.equal(await outbox.lock(TENANT, 'ob-1', 'other', now + 60_000), undefined, 'another owner cannot take a live lock');
  t.equal(await outbox.markReady(TENANT, 'ob-1', 'other', '{}'), false, 'nor change the item');
  t.equal(await outbox.markReady(TENANT, 'ob-1', 'me', '{"a":2}'), true);
  t.equal(await outbox.markSent(TENANT, 'ob-1', 'me', 0), true);
  t.equal(await outbox.markSent(TENANT, 'ob-1', 'me', 2), true);
  await outbox.reschedule(TENANT, 'ob-1', 'me', { notBefore: now + 30_000, error: 'throttled:TooManyRequestsException' });
  t.match(await outbox.get(TENANT, 'ob-1'), { state: 'ready', payload: '{"a":2}', sent: [0, 2], attempts: 1, notBefore: now + 30_000, lastError: 'throttled:TooManyRequestsException' });

  now += 61_000;
  const taken = await outbox.lock(TENANT, 'ob-1', 'other', now + 60_000);
  t.match(taken, { lockedBy: 'other', sent: [0, 2], lockedAt: now }, 'an expired lock is taken over, with what was sent and when it was taken');
  t.equal(await outbox.markSent(TENANT, 'ob-1', 'me', 1), false, 'the old owner lost it');
  await outbox.unlock(TENANT, 'ob-1', 'other');
  t.ok(await outbox.lock(TENANT, 'ob-1', 'me', now + 60_000), 'a released lock is free at once');

  await outbox.reschedule(TENANT, 'ob-1', 'me', { notBefore: now, error: 'other:MessageRejected', dead: true });
  t.equal((await outbox.get(TENANT, 'ob-1'))?.state, 'dead');
  await outbox.delete(TENANT, 'ob-1');
  t.same(await outbox.list(TENANT), []);
  t.equal((await queryItems('alerts', TENANT)).length, 1, 'the marker is still there');
  t.ok((await outbox.list(OTHER))[0]?.createdAt, 'the other tenant\'s item is untouched');
});

t.test('markers claimed with an owner: again true for that owner, false for anyone else', async (t) => {
  const { store } = await openTestStore(t);
  const finding = { accountId: 'a-1', findingId: 'f-1', severity: 9.1 };
  t.equal(await store.alerts.claimFindingAlert(TENANT, finding, 'outbox:ob-1'), true);
  t.equal(await store.alerts.claimFindingAlert(TENANT, finding, 'outbox:ob-1'), true, 'the owner retrying after a crash');
  t.equal(await store.alerts.claimFindingAlert(TENANT, finding, 'outbox:ob-2'), false, 'another item');
  t.equal(await store.alerts.claimFindingAlert(TENANT, finding), false, 'an ownerless claim');
  t.equal(await store.alerts.claimFindingAlert(TENANT, { ...finding, severity: 7.5 }, 'outbox:ob-2'), true, 'another band is another marker');

  t.equal(await store.alerts.claim(TENANT, 'digest#2026-01-05#u-1', 60_000), true);
  t.equal(await store.alerts.claim(TENANT, 'digest#2026-01-05#u-1', 60_000, 'outbox:ob-3'), false, 'an ownerless marker belongs to nobody else');
  t.equal(await store.alerts.claim(TENANT, 'cost:x:2026-01-04', 60_000, 'outbox:ob-3'), true);
  t.equal(await store.alerts.claim(TENANT, 'cost:x:2026-01-04', 60_000, 'outbox:ob-3'), true);
  await store.alerts.release(TENANT, 'cost:x:2026-01-04');
  t.equal(await store.alerts.claim(TENANT, 'cost:x:2026-01-04', 60_000, 'outbox:ob-4'), true, 'released: free again');
});
