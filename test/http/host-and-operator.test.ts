/**
 * The Host allow-list (DNS rebinding) and the operator actions' CSRF check: a page on another
 * site, even one whose name resolves to 127.0.0.1, can neither read /dev/outbox nor restart a
 * tenant.
 */
import t from 'tap';
import { PUBLIC_URL, signIn, startWorld } from './fixtures/harness.js';
import { rawRequest } from './fixtures/raw-request.js';

t.test('production: only the public host name (and ALLOWED_HOSTS) is answered', async (t) => {
  const w = await startWorld(t);
  const evil = await rawRequest(`${w.url}/api/me`, 'GET', { host: 'evil.example' });
  t.equal(evil.status, 421);
  t.equal(evil.json?.code, 'UNKNOWN_HOST');
  for (const host of ['cloud-health.test', 'Cloud-Health.TEST:8080', '127.0.0.1']) {
    const reply = await rawRequest(`${w.url}/api/me`, 'GET', { host });
    t.equal(reply.status, 401, `${host} is this service`);
  }
  for (const host of ['localhost', 'evil.example:80', 'a@cloud-health.test', '']) {
    const reply = await rawRequest(`${w.url}/api/openapi.json`, 'GET', { host });
    t.ok(reply.status === 421 || reply.status === 400, `${JSON.stringify(host)} -> ${reply.status}`);
  }
  const probe = await rawRequest(`${w.url}/ops/health`, 'GET', { host: '10.0.0.5:8080' });
  t.equal(probe.status, 200, 'a load balancer probes health by address');
  const forwarded = await rawRequest(`${w.url}/api/me`, 'GET', { host: 'evil.example', 'x-forwarded-host': 'cloud-health.test' });
  t.equal(forwarded.status, 421, 'X-Forwarded-Host does not override Host');
});

t.test('demo: a rebinding page cannot read /dev/outbox; loopback names can', async (t) => {
  const w = await startWorld(t, { mode: 'demo', app: { allowedHosts: [] } });
  await signIn(w, 'outbox@example.com');
  const evil = await rawRequest(`${w.url}/dev/outbox`, 'GET', { host: 'rebind.evil.example:3000' });
  t.equal(evil.status, 421);
  t.notMatch(evil.text, /token/, 'nothing of the outbox');
  for (const host of ['localhost:3000', '127.0.0.1', '[::1]:8080']) {
    t.equal((await rawRequest(`${w.url}/dev/outbox`, 'GET', { host })).status, 200, host);
  }
});

t.test('operator actions without OPERATOR_TOKEN: same-origin or no browser only', async (t) => {
  const w = await startWorld(t, { mode: 'demo' });
  const a = await signIn(w, 'ops@example.com');
  w.registry.tenantStarted(a.tenantId);
  const path = `/ops/tenants/${a.tenantId}/restart`;
  const crossSite = await w.request('POST', path, { origin: 'https://evil.example' });
  t.equal(crossSite.status, 403);
  t.equal(crossSite.json.code, 'CSRF');
  const fetchMeta = await w.request('POST', path, { origin: null, headers: { 'sec-fetch-site': 'cross-site' } });
  t.equal(fetchMeta.status, 403, 'a cross-site request without Origin is refused on Sec-Fetch-Site');
  t.same(w.restarted, [], 'no restart so far');
  const sameOrigin = await w.request('POST', path, { origin: new URL(PUBLIC_URL).origin });
  t.equal(sameOrigin.status, 202, 'the operator page, same-origin');
  const curl = await w.request('POST', path, { origin: null });
  t.equal(curl.status, 202, 'a local tool without Origin');
  t.same(w.restarted, [a.tenantId, a.tenantId]);
});
