/** Each account shows when it was connected, not when the tenant signed up. */
import t from 'tap';
import { signIn, startWorld } from './fixtures/harness.js';

t.test('every account keeps its own connected-at date', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'created-at@example.com');
  const connect = (name: string, id: string) =>
    w.request('POST', '/api/accounts', { cookie: a.cookie, body: { name, roleArn: `arn:aws:iam::${id}:role/CloudHealthMonitor`, regions: ['us-east-1'] } });
  w.clock.now += 3 * 86_400_000;
  const first = await connect('First', '123456789012');
  t.equal(first.status, 201, first.text);
  const firstAt = new Date(w.clock.now).toISOString();
  w.clock.now += 2 * 86_400_000;
  t.equal((await connect('Second', '210987654321')).status, 201);
  const secondAt = new Date(w.clock.now).toISOString();
  const listed = (await w.request('GET', '/api/accounts', { cookie: a.cookie })).json as { name: string; createdAt: string }[] | { items: { name: string; createdAt: string }[] };
  const accounts = Array.isArray(listed) ? listed : listed.items;
  t.same(Object.fromEntries(accounts.map((x) => [x.name, x.createdAt])), { First: firstAt, Second: secondAt });
  const overview = (await w.request('GET', '/api/overview', { cookie: a.cookie })).json as { accounts: { account: { name: string; createdAt: string } }[] };
  t.same(overview.accounts.map((x) => x.account.createdAt).sort(), [firstAt, secondAt]);
});
