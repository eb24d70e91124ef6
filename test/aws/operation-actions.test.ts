import t from 'tap';
import { readFile } from 'node:fs/promises';
import { OPERATION_ACTIONS, operationAction, permissionPolicy } from '../../src/aws/index.js';

t.test('the README lists every operation with its action, as the table says', async (t) => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /<!-- operation-actions:start -->([\s\S]*?)<!-- operation-actions:end -->/.exec(readme)?.[1] ?? '';
  const rows = OPERATION_ACTIONS.map((e) => `| ${e.operation} | \`${e.action}\` | ${e.collector} | ${e.regional ? 'yes' : 'no'} | ${e.billing} |`);
  t.same(block.trim().split('\n').slice(2), rows, 'README table == OPERATION_ACTIONS');
});

t.test('the permission policy is exactly the table, and each action is its operation', async (t) => {
  t.same(permissionPolicy().Statement[0]!.Action, OPERATION_ACTIONS.map((e) => e.action));
  for (const e of OPERATION_ACTIONS) {
    t.equal(e.action, `${e.service}:${e.operation}`, e.operation);
    t.equal(operationAction(e.service, e.operation), e);
  }
  t.equal(operationAction('sts', 'GetCallerIdentity'), undefined, 'STS GetCallerIdentity needs no permission');
});
