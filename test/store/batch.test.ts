import t from 'tap';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DocSender } from '../../src/store/db.js';
import { openTestStore, securityResult, finding } from './fixtures/store.js';

const now = Date.now();
const manyFindings = (n: number, prefix = 'f') => Array.from({ length: n }, (_, i) => finding(`${prefix}${i}`, 1 + (i % 9), new Date(now - i * 1000).toISOString()));

/** Wrap `send` so that the first `times` BatchWriteItem calls leave half their items unprocessed. */
function unprocessing(times: number) {
  const calls: number[] = [];
  let remaining = times;
  const wrap = (inner: DocSender): DocSender => ({
    async send(command, options) {
      if (!(command instanceof BatchWriteCommand) || remaining <= 0) return inner.send(command, options);
      remaining -= 1;
      const [table, requests] = Object.entries(command.input.RequestItems ?? {})[0] ?? ['', []];
      const keep = requests.slice(0, Math.ceil(requests.length / 2));
      const skip = requests.slice(keep.length);
      calls.push(requests.length);
      const output = (await inner.send(new BatchWriteCommand({ ...command.input, RequestItems: { [table]: keep } }), options)) as Record<string, unknown>;
      return { ...output, UnprocessedItems: skip.length ? { [table]: skip } : {} };
    },
  });
  return { wrap, calls };
}

t.test('a batch larger than 25 lands completely, in chunks of 25', async (t) => {
  const { store, queryItems } = await openTestStore(t);
  await store.results.write(securityResult('t-a', 'a-1', manyFindings(73)));
  t.equal((await queryItems('findings', 't-a')).length, 73);
  t.equal(store.capacity.snapshot().findings?.BatchWriteItem?.requests, 3 + 0, 'ceil(73 / 25) requests');
});

t.test('unprocessed items are retried until every item lands', async (t) => {
  const injector = unprocessing(4);
  const { store, queryItems } = await openTestStore(t, { wrapSend: injector.wrap, batch: { baseDelayMs: 1, maxDelayMs: 5 } });
  await store.results.write(securityResult('t-a', 'a-1', manyFindings(60)));
  t.equal((await queryItems('findings', 't-a')).length, 60, 'all 60 stored');
  t.equal(injector.calls.length, 4, 'the injector did leave items unprocessed');
  t.ok((store.capacity.snapshot().findings?.BatchWriteItem?.requests ?? 0) > 3, 'retries were sent');
});

t.test('retries are bounded and abortable', async (t) => {
  const forever = unprocessing(Number.POSITIVE_INFINITY);
  const { store } = await openTestStore(t, { wrapSend: forever.wrap, batch: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
  await t.rejects(store.findings.write('t-a', 'a-1', manyFindings(10)), { code: 'STORE_UNPROCESSED_ITEMS' });

  const slow = unprocessing(Number.POSITIVE_INFINITY);
  const { store: patient } = await openTestStore(t, { wrapSend: slow.wrap, batch: { maxAttempts: 50, baseDelayMs: 10_000, maxDelayMs: 10_000 } });
  const controller = new AbortController();
  const started = Date.now();
  const writing = patient.findings.write('t-a', 'a-1', manyFindings(10), controller.signal);
  setTimeout(() => controller.abort(), 50);
  await t.rejects(writing, { name: 'AbortError' });
  t.ok(Date.now() - started < 5_000, 'the backoff sleep stops on abort');
});

t.test('duplicate keys in one batch are collapsed (the last wins)', async (t) => {
  const { store, getItem } = await openTestStore(t);
  const twice = [finding('dup', 3, new Date(now - 5000).toISOString()), finding('dup', 8, new Date(now).toISOString())];
  await store.findings.write('t-a', 'a-1', twice);
  t.equal((await getItem('findings', { pk: 't-a', sk: 'a-1#dup' }))?.severity, 8);
});
