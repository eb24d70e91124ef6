/** GET /api/meta says whether the service runs in demo mode; a browser opening /dev/outbox gets the readable page. */
import t from 'tap';
import { startWorld } from './fixtures/harness.js';

t.test('/api/meta: demo or production, without signing in', async (t) => {
  const demo = await startWorld(t, { mode: 'demo' });
  const reply = await demo.request('GET', '/api/meta');
  t.equal(reply.status, 200);
  t.match(reply.json, { mode: 'demo' });
  const names = (reply.json as { collectors: { name: string; label: string }[] }).collectors.map((c) => c.name);
  t.same(names, ['metrics', 'security', 'cost', 'health', 'compliance'], 'the collectors, from their descriptors, in display order');
  const production = await startWorld(t, { mode: 'production' });
  t.match((await production.request('GET', '/api/meta')).json, { mode: 'production' });
});

t.test('/dev/outbox: JSON for programs, the readable page for a browser', async (t) => {
  const demo = await startWorld(t, { mode: 'demo' });
  const json = await demo.request('GET', '/dev/outbox', { headers: { accept: 'application/json' } });
  t.equal(json.status, 200);
  t.ok(Array.isArray(json.json));
  const browser = await fetch(`${demo.url}/dev/outbox`, { redirect: 'manual', headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
  t.equal(browser.status, 302);
  t.equal(browser.headers.get('location'), '/outbox');
  const remote = await demo.request('GET', '/dev/outbox', { headers: { accept: 'text/html', 'x-forwarded-for': '198.51.100.7' } });
  t.equal(remote.status, 403, 'a remote browser is refused before any redirect');
});
