import t from 'tap';
import { expectFailure } from './expect-failure.js';
import { paginate } from '../../src/aws/paginate.js';

const site = { service: 'ce', operation: 'GetCostAndUsage' };

t.test('follows tokens until the last page', async (t) => {
  const tokens: (string | undefined)[] = [];
  const pages: Record<string, { items: number[]; next: string | undefined }> = {
    start: { items: [1, 2], next: 'a' },
    a: { items: [3], next: 'b' },
    b: { items: [4], next: undefined },
  };
  const items = await paginate(site, async (token) => (tokens.push(token), pages[token ?? 'start']!));
  t.same(items, [1, 2, 3, 4]);
  t.same(tokens, [undefined, 'a', 'b']);
});

t.test('a repeated token stops a runaway instead of looping', async (t) => {
  let calls = 0;
  await expectFailure(t, paginate(site, async () => (calls++, { items: [], next: 'same' })), { kind: 'other', awsCode: 'PaginationRunaway' });
  t.equal(calls, 2);
  let n = 0;
  await expectFailure(t, paginate(site, async () => ({ items: [], next: `t${n++}` }), 5), { awsCode: 'PaginationRunaway' });
});
