import t, { type Test } from 'tap';
import { GetFindingsCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { CostExplorerClient, GetRightsizingRecommendationCommand } from '@aws-sdk/client-cost-explorer';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { clientConfig, rejection, sdkError } from './fixtures/sim-clients.js';

const ACCOUNT = '123456789012';

async function setup(t: Test): Promise<Simulator> {
  const sim = await startSimulator({ control: {} });
  t.teardown(() => sim.close());
  return sim;
}

async function call(sim: Simulator, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${sim.endpoint}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

t.test('/_sim/faults: replace, add, list, clear; invalid faults are a 400', async (t) => {
  const sim = await setup(t);
  t.same(await call(sim, 'GET', '/_sim/health'), { status: 200, json: { ok: true } });
  t.same(await call(sim, 'PUT', '/_sim/faults', [{ account: ACCOUNT, service: 'ce', throttleRate: 1 }]), { status: 200, json: [{ account: ACCOUNT, service: 'ce', throttleRate: 1 }] });
  const ce = new CostExplorerClient(clientConfig(sim, ACCOUNT, { maxAttempts: 1 }));
  t.equal(sdkError(await rejection(() => ce.send(new GetRightsizingRecommendationCommand({ Service: 'AmazonEC2' })))).name, 'LimitExceededException', 'a fault set over HTTP applies');
  t.equal((await call(sim, 'POST', '/_sim/faults', { service: 'sts', latencyMs: 5 })).status, 201);
  t.equal(((await call(sim, 'GET', '/_sim/faults')).json as unknown[]).length, 2);
  t.same(await call(sim, 'DELETE', '/_sim/faults'), { status: 200, json: [] });
  t.ok(await ce.send(new GetRightsizingRecommendationCommand({ Service: 'AmazonEC2' })), 'cleared');
  t.equal((await call(sim, 'POST', '/_sim/faults', { errorRate: 'often' })).status, 400);
  t.equal((await call(sim, 'PUT', '/_sim/faults', { not: 'an array' })).status, 400);
  const broken = await fetch(`${sim.endpoint}/_sim/faults`, { method: 'POST', body: '{not json' });
  t.equal(broken.status, 400);
  t.equal((await call(sim, 'GET', '/_sim/nothing')).status, 404);
});

t.test('/_sim/findings injects a finding GuardDuty then returns', async (t) => {
  const sim = await setup(t);
  const title = '<script>alert(1)</script> root login';
  const res = await call(sim, 'POST', '/_sim/findings', { account: ACCOUNT, region: 'us-east-1', title, severity: 9.8 });
  t.equal(res.status, 201);
  const id = (res.json as { id: string }).id;
  const gd = new GuardDutyClient(clientConfig(sim, ACCOUNT));
  const detectorId = (await gd.send(new ListDetectorsCommand({}))).DetectorIds?.[0];
  const found = await gd.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds: [id] }));
  t.match(found.Findings, [{ Id: id, Title: title, Severity: 9.8 }]);
  t.equal((await call(sim, 'POST', '/_sim/findings', { account: ACCOUNT, title: 'no region', severity: 5 })).status, 400);
  t.equal((await call(sim, 'POST', '/_sim/findings', { account: 'abc', region: 'us-east-1', title: 'x', severity: 5 })).status, 400);
});

t.test('/_sim/calls and /_sim/billable report what the SDK calls cost', async (t) => {
  const sim = await setup(t);
  const ce = new CostExplorerClient(clientConfig(sim, ACCOUNT));
  await ce.send(new GetRightsizingRecommendationCommand({ Service: 'AmazonEC2' }));
  await ce.send(new GetRightsizingRecommendationCommand({ Service: 'AmazonEC2' }));
  const calls = await call(sim, 'GET', `/_sim/calls?account=${ACCOUNT}&service=ce`);
  t.match(calls.json, [
    { account: ACCOUNT, service: 'ce', operation: 'GetRightsizingRecommendation', region: 'us-east-1', status: 200, billableUnits: 1 },
    { status: 200, billableUnits: 1 },
  ]);
  t.same((await call(sim, 'GET', `/_sim/billable?account=${ACCOUNT}`)).json, { costExplorerRequests: 2, getMetricDataMetrics: 0 });
  t.equal((await call(sim, 'GET', '/_sim/billable')).status, 400);
});

t.test('unsigned requests are refused; unknown paths get a JSON 404', async (t) => {
  const sim = await setup(t);
  const unsigned = await fetch(sim.endpoint, { method: 'POST', headers: { 'x-amz-target': 'AWSInsightsIndexService.GetCostAndUsage', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
  t.equal(unsigned.status, 400);
  t.equal(unsigned.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
  t.match(await unsigned.json(), { __type: /MissingAuthenticationTokenException$/, message: String });
  const form = await fetch(sim.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
  t.equal(form.status, 403);
  t.match(await form.text(), /<Code>MissingAuthenticationToken<\/Code>/);
  const nowhere = await fetch(`${sim.endpoint}/nowhere`);
  t.equal(nowhere.status, 404);
  t.equal(nowhere.headers.get('x-amzn-errortype'), 'UnknownOperationException');
});

t.test('control routes are not mounted by default; with a token they need it', async (t) => {
  const closed = await startSimulator();
  t.teardown(() => closed.close());
  const unmounted = await fetch(`${closed.endpoint}/_sim/outbox`);
  t.equal(unmounted.status, 404, 'no control routes unless asked for');
  t.notMatch(await unmounted.text(), /\[/, 'and no outbox');

  const token = 'a-long-enough-control-token';
  const sim = await startSimulator({ control: { token } });
  t.teardown(() => sim.close());
  for (const headers of [{}, { authorization: 'Bearer wrong-token-of-some-length' }, { authorization: token }] as Record<string, string>[]) {
    const res = await fetch(`${sim.endpoint}/_sim/faults`, { method: 'PUT', headers, body: JSON.stringify([{ service: 'ce', throttleRate: 1 }]) });
    t.equal(res.status, 401, JSON.stringify(headers));
    t.equal(res.headers.get('www-authenticate'), 'Bearer realm="simulator control"');
  }
  t.same((sim as unknown as { faults(): unknown[] }).faults(), [], 'nothing changed');
  const ok = await fetch(`${sim.endpoint}/_sim/faults`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify([{ service: 'ce', throttleRate: 1 }]) });
  t.equal(ok.status, 200);
  t.same(await ok.json(), [{ service: 'ce', throttleRate: 1 }]);
  await t.rejects(startSimulator({ control: { token: 'short' } }), TypeError, 'a guessable token is refused');
});

t.test('/_sim/accounts/:id: PUT a configuration (validated), GET it back', async (t) => {
  const sim = await setup(t);
  t.equal((await call(sim, 'GET', `/_sim/accounts/${ACCOUNT}`)).status, 404, 'unconfigured: the default world');
  const config = { roles: { CloudHealthMonitor: { externalId: 'ext-1' } }, deniedActions: ['ce:GetRightsizingRecommendation'], disabledRegions: ['ap-east-1'] };
  t.same(await call(sim, 'PUT', `/_sim/accounts/${ACCOUNT}`, config), { status: 200, json: config });
  t.same(await call(sim, 'GET', `/_sim/accounts/${ACCOUNT}`), { status: 200, json: config });
  t.same(sim.accountConfig(ACCOUNT), config);
  const ce = new CostExplorerClient(clientConfig(sim, ACCOUNT, { maxAttempts: 1 }));
  t.match(sdkError(await rejection(() => ce.send(new GetRightsizingRecommendationCommand({ Service: 'AmazonEC2' })))), { name: 'AccessDeniedException' }, 'applies at once');
  const bad = await call(sim, 'PUT', `/_sim/accounts/${ACCOUNT}`, { deniedActions: 'all' });
  t.equal(bad.status, 400);
  t.match(bad.json, { error: /deniedActions/ });
  t.equal((await call(sim, 'PUT', '/_sim/accounts/12', {})).status, 400);
  t.equal((await call(sim, 'DELETE', `/_sim/accounts/${ACCOUNT}`)).status, 405);
  t.same(sim.accountConfig(ACCOUNT), config, 'a refused change leaves the configuration as it was');
});
