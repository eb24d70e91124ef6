/** Operator endpoint (token, loopback-only without one), Prometheus text, demo outbox, OpenAPI. */
import t from 'tap';
import { OPERATOR_TOKEN, startWorld } from './fixtures/harness.js';

const bearer = (token = OPERATOR_TOKEN) => ({ authorization: `Bearer ${token}` });

/** Check the Prometheus text exposition format line by line; returns sample names. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      typed.add(type[1]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.eE+-]+|[Nn]a[Nn]|[+-]Inf)( -?\d+)?$/.exec(line); // Go's ParseFloat: NaN in any case
    if (!sample) throw new Error(`not Prometheus text: ${line}`);
    const base = sample[1]!.replace(/_(bucket|sum|count|total)$/, '');
    if (!typed.has(sample[1]!) && !typed.has(base) && !typed.has(`${base}_total`)) throw new Error(`sample without TYPE: ${line}`);
    samples.set(`${sample[1]}${sample[2] ?? ''}`, Number(sample[3]));
  }
  return samples;
}

t.test('health: status alone without the token, detail with it; 503 when not ready or stopping', async (t) => {
  const w = await startWorld(t, { operatorToken: OPERATOR_TOKEN });
  const plain = await w.request('GET', '/ops/health', { headers: { 'x-forwarded-for': '203.0.113.9' } });
  t.equal(plain.status, 200);
  t.same(plain.json, { status: 'ok' });
  const wrong = await w.request('GET', '/ops/health', { headers: bearer('nope') });
  t.same(wrong.json, { status: 'ok' }, 'a wrong token gets the status alone');
  const detail = await w.request('GET', '/ops/health', { headers: bearer() });
  t.equal(detail.status, 200);
  t.equal(detail.json.status, 'ok');
  t.ok(detail.json.fleet.lastReconcileAt);
  t.ok(detail.json.summary.tenants);
  t.match(detail.json.lag, { behind: false, overdue: 0 });

  // A collector whose tick has waited 10 minutes: the fleet is behind (still serving: 200).
  w.registry.collectorScheduled('t-late', 'metrics', w.clock.now - 600_000);
  const behind = await w.request('GET', '/ops/health', { headers: bearer() });
  t.equal(behind.status, 200, 'behind still serves');
  t.equal(behind.json.status, 'behind');
  t.match(behind.json.lag, { behind: true, overdue: 1, collectors: 1, oldestOverdueMs: 600_000 });
  const metrics = parsePrometheus((await w.request('GET', '/metrics', { headers: bearer() })).text);
  t.equal(metrics.get('cloud_health_fleet_behind'), 1);
  t.equal(metrics.get('cloud_health_fleet_oldest_overdue_seconds'), 600);
  t.equal(metrics.get('cloud_health_collectors_overdue'), 1);
  w.registry.collectorScheduled('t-late', 'metrics', w.clock.now + 60_000);
  t.same((await w.request('GET', '/ops/health')).json, { status: 'ok' }, 'on time again');

  w.fleet.lastReconcileError = { kind: 'transient', code: 'STORE_DOWN', message: 'listing failed', at: w.fleet.lastReconcileAt! + 1 };
  t.same((await w.request('GET', '/ops/health')).json, { status: 'degraded' });
  t.equal((await w.request('GET', '/ops/health')).status, 200, 'degraded still serves');
  t.equal((await w.request('GET', '/ops/health', { headers: bearer() })).json.fleet.lastReconcileError.code, 'STORE_DOWN');
  delete w.fleet.lastReconcileAt;
  const down = await w.request('GET', '/ops/health');
  t.equal(down.status, 503, 'not ready before the first reconcile');
  t.same(down.json, { status: 'down' });
});

t.test('health is 503 once shutdown begins', async (t) => {
  let stopping = false;
  const w = await startWorld(t, { shuttingDown: () => stopping });
  t.equal((await w.request('GET', '/ops/health')).status, 200);
  stopping = true;
  const reply = await w.request('GET', '/ops/health', { headers: { 'x-forwarded-for': '203.0.113.9' } });
  t.equal(reply.status, 503);
  t.same(reply.json, { status: 'down' });
});

t.test('workers and restart need the token; filters; unknown tenant 404', async (t) => {
  const w = await startWorld(t, { operatorToken: OPERATOR_TOKEN });
  w.registry.breakerChanged('t-healthy', 'cloudwatch', 'closed');
  w.registry.accountsChanged('t-healthy', { 'a-1': { status: 'active' } });
  w.registry.collectorRunStarted('t-healthy', 'metrics', w.clock.now, w.clock.now + 60_000);
  w.registry.tenantSupervised('t-parked', { kind: 'parked', until: w.clock.now + 60_000 }, { kind: 'bug', code: 'TypeError', message: 'boom', at: w.clock.now });
  w.registry.breakerChanged('t-parked', 'ce', 'open');
  const slowDown = { kind: 'throttled' as const, code: 'LimitExceededException', message: 'slow down', at: w.clock.now };
  w.registry.collectorRunEnded('t-parked', 'cost', { startedAt: w.clock.now - 1000, endedAt: w.clock.now, nextDueAt: w.clock.now + 60_000, error: slowDown, accountErrors: { 'a-2': slowDown } });

  for (const headers of [{}, bearer('wrong-token'), { authorization: 'Basic abc' }]) {
    const reply = await w.request('GET', '/ops/workers', { headers });
    t.equal(reply.status, 401);
    t.equal(reply.json.code, 'OPERATOR_UNAUTHORIZED');
    t.match(reply.headers.get('www-authenticate') ?? '', /^Bearer/);
  }
  const all = await w.request('GET', '/ops/workers', { headers: bearer() });
  t.equal(all.status, 200);
  t.equal(all.json.workers.length, 2);
  t.match(all.json.summary, { tenants: { running: 1, parked: 1 } });
  t.ok(all.json.fleet.lastReconcileAt);
  const onlyParked = await w.request('GET', '/ops/workers?state=parked', { headers: bearer() });
  t.same(onlyParked.json.workers.map((x: { tenantId: string }) => x.tenantId), ['t-parked']);
  const worker = onlyParked.json.workers[0];
  t.match(worker, { state: 'parked', breakers: { ce: 'open' }, lastError: { kind: 'bug', code: 'TypeError' } });
  t.match(worker.parkedUntil, /^\d{4}-\d{2}-\d{2}T/);
  t.match(worker.collectors.cost, { runs: 1, failures: { throttled: 1 }, lastError: { code: 'LimitExceededException' } });
  const one = await w.request('GET', '/ops/workers?tenant=t-healthy', { headers: bearer() });
  t.same(one.json.workers.map((x: { tenantId: string }) => x.tenantId), ['t-healthy']);
  t.same(one.json.workers[0].accounts, { 'a-1': { status: 'active' } });
  t.equal((await w.request('GET', '/ops/workers?state=sleeping', { headers: bearer() })).status, 400);

  t.equal((await w.request('POST', '/ops/tenants/t-healthy/restart')).status, 401);
  const unknown = await w.request('POST', '/ops/tenants/t-nope/restart', { headers: bearer() });
  t.equal(unknown.status, 404);
  t.equal(unknown.json.code, 'NOT_FOUND');
  const restart = await w.request('POST', '/ops/tenants/t-healthy/restart', { headers: bearer(), origin: null });
  t.equal(restart.status, 202);
  t.same(w.restarted, ['t-healthy']);
});

t.test('/metrics is Prometheus text with the runtime and HTTP figures', async (t) => {
  const w = await startWorld(t, { operatorToken: OPERATOR_TOKEN });
  w.registry.breakerChanged('t-1', 'guardduty', 'halfOpen');
  w.registry.collectorRunEnded('t-1', 'metrics', { startedAt: 0, endedAt: 10, nextDueAt: 60_000, accountErrors: {} });
  const denied = { kind: 'identity' as const, code: 'AccessDenied', message: 'no', at: 10 };
  w.registry.collectorRunEnded('t-1', 'security', { startedAt: 0, endedAt: 10, nextDueAt: 60_000, error: denied, accountErrors: { 'a-1': denied } });
  w.registry.awsCallMade('cloudwatch');
  const crash = { kind: 'bug' as const, code: 'TypeError', message: 'boom', at: 10 };
  for (let attempt = 0; attempt < 2; attempt++) w.registry.tenantSupervised('t-1', { kind: 'backoff', until: 1_000, attempt }, crash);
  w.registry.tenantStarted('t-1');
  await w.request('DELETE', '/api/accounts/a-123');
  t.equal((await w.request('GET', '/metrics')).status, 401);
  const reply = await w.request('GET', '/metrics', { headers: bearer() });
  t.equal(reply.status, 200);
  t.match(reply.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const samples = parsePrometheus(reply.text);
  t.equal(samples.get('cloud_health_tenants{state="running"}'), 1);
  t.equal(samples.get('cloud_health_collector_runs_total{kind="metrics"}'), 1);
  t.equal(samples.get('cloud_health_collector_failures_total{collector="security",kind="identity"}'), 1);
  t.equal(samples.get('cloud_health_restarts_total{level="tenant"}'), 2);
  t.equal(samples.get('cloud_health_breakers{service="guardduty",state="halfOpen"}'), 1);
  t.equal(samples.get('cloud_health_aws_calls_total{service="cloudwatch"}'), 1);
  t.equal(samples.get('cloud_health_aws_billable_units_total{unit="ce_request"}'), 3);
  t.ok(samples.has('cloud_health_event_loop_delay_p99_seconds'));
  t.ok([...samples.keys()].some((k) => k.startsWith('cloud_health_process_')), 'default process metrics');
  t.ok(
    [...samples.keys()].some((k) => k.startsWith('cloud_health_http_request_duration_seconds_count{') && k.includes('route="/api/accounts/:id"') && k.includes('status="401"')),
    'latency by route template, not raw path',
  );
  t.notOk(reply.text.includes('a-123'), 'no raw ids in labels');
});

t.test('without a token the operator routes answer loopback clients only', async (t) => {
  const w = await startWorld(t);
  const local = await w.request('GET', '/ops/workers');
  t.equal(local.status, 200, 'loopback, no proxy');
  t.equal((await w.request('GET', '/metrics')).status, 200);
  const proxied = await w.request('GET', '/ops/workers', { headers: { 'x-forwarded-for': '198.51.100.7' } });
  t.equal(proxied.status, 403, 'relayed by a proxy: not a local client');
  t.equal(proxied.json.code, 'OPERATOR_LOOPBACK_ONLY');
  const health = await w.request('GET', '/ops/health', { headers: { 'x-forwarded-for': '198.51.100.7' } });
  t.same(health.json, { status: 'ok' }, 'health answers everyone, status alone');
  const detail = await w.request('GET', '/ops/health');
  t.ok(detail.json.fleet, 'a local client gets the detail');
});

t.test('/dev/outbox: demo mode only', async (t) => {
  const demo = await startWorld(t, { mode: 'demo' });
  const reply = await demo.request('GET', '/dev/outbox');
  t.equal(reply.status, 200);
  t.ok(Array.isArray(reply.json));
  const remote = await demo.request('GET', '/dev/outbox', { headers: { 'x-forwarded-for': '198.51.100.7' } });
  t.equal(remote.status, 403, 'it holds verification links: local clients only');
  const production = await startWorld(t, { mode: 'production' });
  const none = await production.request('GET', '/dev/outbox');
  t.equal(none.status, 404);
  t.equal(none.json.code, 'NOT_FOUND');
});

t.test('/api/openapi.json describes every route', async (t) => {
  const w = await startWorld(t);
  const reply = await w.request('GET', '/api/openapi.json');
  t.equal(reply.status, 200);
  const doc = reply.json;
  t.equal(doc.openapi, '3.1.0');
  const expected: [string, string][] = [
    ['post', '/api/auth/signup'],
    ['post', '/api/auth/verify'],
    ['post', '/api/auth/resend'],
    ['post', '/api/auth/login'],
    ['post', '/api/auth/logout'],
    ['get', '/api/me'],
    ['post', '/api/auth/reset/request'],
    ['post', '/api/auth/reset'],
    ['post', '/api/auth/password'],
    ['get', '/api/auth/sessions'],
    ['delete', '/api/auth/sessions'],
    ['delete', '/api/auth/sessions/{id}'],
    ['post', '/api/auth/switch'],
    ['post', '/api/auth/login/mfa'],
    ['get', '/api/auth/mfa'],
    ['post', '/api/auth/mfa/enrol'],
    ['post', '/api/auth/mfa/confirm'],
    ['post', '/api/auth/mfa/disable'],
    ['put', '/api/auth/mfa/required'],
    ['get', '/api/channels'],
    ['post', '/api/channels'],
    ['delete', '/api/channels/{id}'],
    ['post', '/api/channels/{id}/test'],
    ['get', '/api/audit'],
    ['get', '/api/audit.csv'],
    ['get', '/api/members'],
    ['get', '/api/tokens'],
    ['post', '/api/tokens'],
    ['delete', '/api/tokens/{id}'],
    ['post', '/api/members'],
    ['patch', '/api/members/{id}'],
    ['delete', '/api/members/{id}'],
    ['post', '/api/tenant/delete'],
    ['get', '/api/settings'],
    ['put', '/api/settings'],
    ['get', '/api/accounts'],
    ['post', '/api/accounts'],
    ['delete', '/api/accounts/{id}'],
    ['get', '/api/accounts/onboarding'],
    ['get', '/api/accounts/onboarding/cloudformation.json'],
    ['patch', '/api/accounts/{id}'],
    ['post', '/api/accounts/{id}/check'],
    ['put', '/api/accounts/{id}/budget'],
    ['get', '/api/accounts/{id}/metric-selection'],
    ['put', '/api/accounts/{id}/metric-selection'],
    ['post', '/api/accounts/{id}/metric-selection/preview'],
    ['get', '/api/accounts/{id}/metric-browser'],
    ['get', '/api/overview'],
    ['get', '/api/metrics'],
    ['get', '/api/costs'],
    ['get', '/api/findings'],
    ['get', '/api/findings.csv'],
    ['get', '/api/findings/suppressions'],
    ['post', '/api/findings/suppressions'],
    ['delete', '/api/findings/suppressions/{id}'],
    ['get', '/api/meta'],
    ['get', '/api/recommendations'],
    ['patch', '/api/recommendations/{id}'],
    ['get', '/api/openapi.json'],
    ['get', '/ops/health'],
    ['get', '/ops/workers'],
    ['post', '/ops/tenants/{id}/restart'],
    ['get', '/metrics'],
    ['get', '/dev/outbox'],
  ];
  for (const [method, path] of expected) t.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`);
  const count = Object.values(doc.paths as Record<string, object>).reduce((n, ops) => n + Object.keys(ops).length, 0);
  t.equal(count, expected.length, 'and nothing undocumented');
  const signup = doc.paths['/api/auth/signup'].post.requestBody.content['application/json'].schema;
  t.same([...signup.required].sort(), ['email', 'organization', 'password']);
  const findings = doc.paths['/api/findings'].get.parameters.map((p: { name: string }) => p.name).sort();
  t.same(findings, ['accountId', 'cursor', 'limit', 'order', 'region', 'resource', 'severity', 'sort', 'status', 'type']);
  t.same(doc.paths['/api/me'].get.security, [{ session: [] }]);
  t.same(doc.paths['/ops/workers'].get.security, [{ operator: [] }]);
  t.ok(doc.paths['/api/accounts/{id}'].delete.parameters.some((p: { in: string; name: string }) => p.in === 'path' && p.name === 'id'));
});
