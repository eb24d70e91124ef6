import t from 'tap';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { itemSize, MAX_ITEM_BYTES } from '../../src/store/item-size.js';
import { finding, openTestStore, securityResult } from './fixtures/store.js';

/** Within the findings' 90-day retention, so queries return them. */
const recent = () => new Date().toISOString();

t.test('an oversized finding is stored reduced and flagged; the rest of the run is stored', async (t) => {
  const { store, queryItems } = await openTestStore(t);
  const huge = finding('huge', 8.5, recent(), { description: 'x'.repeat(600 * 1024), title: 'Exfiltration of a very long story' });
  const others = Array.from({ length: 30 }, (_, i) => finding(`ok${i}`, 5, recent()));
  // Without the fit, dynalite refuses the batch holding it, as DynamoDB does: the whole write failed.
  await store.results.write(securityResult('t-p', 'a-1', [...others.slice(0, 12), huge, ...others.slice(12)]));

  const items = await queryItems('findings', 't-p');
  t.equal(items.length, 31, 'every finding is stored, the oversized one too');
  const stored = items.find((i) => i.id === 'huge')!;
  t.match(stored.reduced, { reason: 'too-large', fields: ['description'] }, 'flagged, saying what was cut');
  t.ok((stored.reduced as { originalBytes: number }).originalBytes > MAX_ITEM_BYTES);
  t.ok(String(stored.description).length < 5_000, 'the description is cut');
  t.equal(stored.title, 'Exfiltration of a very long story', 'short fields are kept');
  const page = await store.findings.query('t-p', { severity: ['high'] });
  t.equal(page.items.length, 1, 'the dashboard finds it by severity');
  t.match(page.items[0], { id: 'huge', band: 'high', reduced: { reason: 'too-large' } });
  t.ok(await store.findings.openCounts('t-p'));
});

t.test('the size estimate agrees with the store: an item just under the budget is stored whole', async (t) => {
  const { store, queryItems } = await openTestStore(t);
  const big = finding('big', 3, recent(), { description: 'y'.repeat(370 * 1024) });
  await store.findings.write('t-q', 'a-1', [big]);
  const [stored] = await queryItems('findings', 't-q');
  t.equal(stored?.reduced, undefined, 'not reduced');
  t.equal(String(stored?.description).length, 370 * 1024, 'stored whole');
  t.ok(itemSize(stored!) < MAX_ITEM_BYTES);
});

t.test('a finding DynamoDB refuses for another reason is stored in its minimal form; the batch is isolated', async (t) => {
  // DynamoDB's answer to an invalid item, injected for the item that has `poison` in its description.
  const refuse = () => Object.assign(new Error('One or more parameter values were invalid: injected'), { name: 'ValidationException' });
  const poisoned = (item: unknown) => JSON.stringify(item).includes('"description":"poison');
  const { store, queryItems } = await openTestStore(t, {
    wrapSend: (sender) => ({
      async send(command, options) {
        if (command instanceof BatchWriteCommand) {
          const requests = Object.values(command.input.RequestItems ?? {}).flat();
          if (requests.some((r) => poisoned(r.PutRequest?.Item))) throw refuse();
        }
        if (command instanceof PutCommand && poisoned(command.input.Item)) throw refuse();
        return sender.send(command, options);
      },
    }),
  });
  const list = [finding('p1', 9.5, recent(), { description: 'poison pill' }), ...Array.from({ length: 40 }, (_, i) => finding(`n${i}`, 4, recent()))];
  await store.results.write(securityResult('t-r', 'a-1', list));
  const items = await queryItems('findings', 't-r');
  t.equal(items.length, 41, 'the 40 others of the refused batch are stored');
  const minimal = items.find((i) => i.id === 'p1')!;
  t.match(minimal.reduced, { reason: 'refused', fields: ['description', 'resourceType', 'resourceId'] });
  t.equal(minimal.severity, 9.5);
  t.equal(minimal.title, 'Finding p1');
});

t.test('a finding refused even in its minimal form is skipped; the write of the result does not fail', async (t) => {
  const refuse = () => Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' });
  let refusedOnce = false;
  const { store } = await openTestStore(t, {
    wrapSend: (sender) => ({
      async send(command, options) {
        if (command instanceof BatchWriteCommand && Object.keys(command.input.RequestItems ?? {}).some((table) => table.endsWith('findings'))) {
          refusedOnce = true;
          throw refuse();
        }
        if (command instanceof PutCommand && String(command.input.TableName).endsWith('findings')) throw refuse();
        return sender.send(command, options);
      },
    }),
  });
  // Every write of findings is refused, even the minimal form: the finding is skipped, the write resolves.
  await store.results.write(securityResult('t-s', 'a-1', [finding('s1', 7.5, recent())]));
  t.ok(refusedOnce);
  const page = await store.findings.query('t-s', {});
  t.equal(page.items.length, 0, 'skipped');
});
