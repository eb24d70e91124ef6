/**
 * Every input that can fail validation answers 400 with a stable code before anything is
 * written; unknown methods answer 405 with `Allow`.
 */
import t from 'tap';
import { PUBLIC_URL, signIn, startWorld } from './fixtures/harness.js';
import { rawRequest } from './fixtures/raw-request.js';

t.test('impossible days and times are 400 VALIDATION_FAILED, not 500', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'days@example.com');
  for (const path of [
    '/api/costs?to=2026-00-10',
    '/api/costs?from=2026-02-30',
    '/api/costs?from=2026-13-01',
    '/api/costs?to=0000-01-01',
    '/api/costs?from=9999-99-99',
    '/api/metrics?from=2026-02-30T00:00:00Z',
    '/api/metrics?to=275760-09-14T00:00:00Z',
    '/api/metrics?from=-271821-04-20T00:00:00Z',
  ]) {
    const reply = await w.request('GET', path, { cookie: a.cookie });
    t.equal(reply.status, 400, `${path} -> ${reply.status}`);
    t.equal(reply.json?.code, 'VALIDATION_FAILED', path);
  }
});

t.test('a budget DynamoDB cannot store is refused before anything is saved', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'budget@example.com');
  for (const monthlyBudgetUsd of [5e-324, 1e-130, 0.001, 1e10]) {
    const reply = await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { digestHour: 7, notifications: { warning: true }, monthlyBudgetUsd } });
    t.equal(reply.status, 400, `budget ${monthlyBudgetUsd}`);
    t.equal(reply.json?.code, 'VALIDATION_FAILED');
  }
  const settings = await w.request('GET', '/api/settings', { cookie: a.cookie });
  t.not(settings.json.digestHour, 7, 'the digest hour of the refused request was not saved');
  t.equal(settings.json.notifications.warning, false, 'nor its notifications');
  const ok = await w.request('PUT', '/api/settings', { cookie: a.cookie, body: { monthlyBudgetUsd: 0.01 } });
  t.equal(ok.status, 200, 'one cent is a budget');
  t.equal(ok.json.monthlyBudgetUsd, 0.01);
});

t.test('unknown methods are 405 with Allow on a known path', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'methods@example.com');
  for (const method of ['TRACE', 'QUERY', 'PROPFIND', 'PURGE', 'LINK', 'DELETE']) {
    const reply = await rawRequest(`${w.url}/api/settings`, method, { cookie: a.cookie, origin: new URL(PUBLIC_URL).origin });
    t.equal(reply.status, 405, `${method} /api/settings`);
    t.equal(reply.json?.code, 'METHOD_NOT_ALLOWED');
    t.same(String(reply.headers.allow ?? '').split(/,\s*/).sort(), ['GET', 'HEAD', 'PUT'], `${method}: Allow`);
  }
  const unknown = await rawRequest(`${w.url}/api/nothing-here`, 'QUERY', { cookie: a.cookie });
  t.equal(unknown.status, 404, 'an unknown method on an unknown path is 404');
  const options = await w.request('OPTIONS', '/api/accounts');
  t.ok(options.status === 204 || options.status === 200, 'OPTIONS answers');
  t.match(options.headers.get('allow') ?? '', /POST/);
});
