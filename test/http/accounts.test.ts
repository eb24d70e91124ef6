/** Connecting AWS accounts: onboarding documents, live STS validation, secrets, tenant isolation. */
import t from 'tap';
import { accessKeyIdForAccount } from '../../src/sim/index.js';
import { PLATFORM_ACCOUNT_ID, signIn, startWorld } from './fixtures/harness.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

t.test('onboarding: per-tenant ExternalId, trust policy with the condition, least-privilege policy', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'a@example.com');
  const b = await signIn(w, 'b@example.com');
  const ra = await w.request('GET', '/api/accounts/onboarding', { cookie: a.cookie });
  const rb = await w.request('GET', '/api/accounts/onboarding', { cookie: b.cookie });
  t.equal(ra.status, 200);
  const onboarding = ra.json;
  t.match(onboarding.externalId, /^[A-Za-z0-9-]{20,}$/);
  t.not(onboarding.externalId, rb.json.externalId, 'each tenant has its own ExternalId');
  t.equal(onboarding.platformAccountId, PLATFORM_ACCOUNT_ID);
  t.equal(onboarding.suggestedRoleName, 'CloudHealthMonitor');
  const trust = onboarding.trustPolicy.Statement[0];
  t.equal(trust.Effect, 'Allow');
  t.equal(trust.Action, 'sts:AssumeRole');
  t.same(trust.Principal, { AWS: `arn:aws:iam::${PLATFORM_ACCOUNT_ID}:root` });
  t.same(trust.Condition, { StringEquals: { 'sts:ExternalId': onboarding.externalId } });
  const statements = onboarding.permissionPolicy.Statement;
  t.equal(statements.length, 1);
  t.same([...statements[0].Action].sort(), [
    'ce:GetAnomalies',
    'ce:GetCostAndUsage',
    'ce:GetCostForecast',
    'ce:GetRightsizingRecommendation',
    'cloudwatch:DescribeAlarms',
    'cloudwatch:GetMetricData',
    'cloudwatch:ListMetrics',
    'guardduty:GetFindings',
    'guardduty:ListDetectors',
    'guardduty:ListFindings',
    'health:DescribeAffectedEntities',
    'health:DescribeEvents',
    'securityhub:DescribeStandardsControls',
    'securityhub:GetEnabledStandards',
    'securityhub:GetFindings',
  ]);
  t.notOk(statements[0].Action.some((action: string) => action.includes('*')), 'no wildcard actions');
  const again = await w.request('GET', '/api/accounts/onboarding', { cookie: a.cookie });
  t.equal(again.json.externalId, onboarding.externalId, 'stable');
});

t.test('connect by role: assumed with the tenant ExternalId, account id from STS', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'role@example.com');
  const externalId = (await w.request('GET', '/api/accounts/onboarding', { cookie: a.cookie })).json.externalId;
  const reply = await w.request('POST', '/api/accounts', {
    cookie: a.cookie,
    body: { name: 'Production', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', regions: ['us-east-1', 'eu-west-1'] },
  });
  t.equal(reply.status, 201, reply.text);
  t.match(reply.json, {
    name: 'Production',
    awsAccountId: '123456789012',
    regions: ['us-east-1', 'eu-west-1'],
    method: 'role',
    credentialHint: 'arn:aws:iam::123456789012:role/CloudHealthMonitor',
    status: 'active',
  });
  t.match(reply.json.id, /^[A-Za-z0-9_-]+$/);
  t.notOk('externalId' in reply.json);
  const assumed = w.sim.calls({ service: 'sts', operation: 'AssumeRole' });
  t.equal(assumed.length, 1);
  t.equal(assumed[0]?.params?.externalId, externalId, 'the service-generated ExternalId was used');
  t.same(w.changed, [a.tenantId], 'the runtime was told to reconcile the tenant');
  const list = await w.request('GET', '/api/accounts', { cookie: a.cookie });
  t.equal(list.json.length, 1);
  t.equal(list.json[0].id, reply.json.id);
});

t.test('connect by keys: the secret is sealed, never returned, never stored in clear', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'keys@example.com');
  const accessKeyId = accessKeyIdForAccount('210987654321');
  const reply = await w.request('POST', '/api/accounts', {
    cookie: a.cookie,
    body: { name: 'Dev', accessKeyId, secretAccessKey: SECRET, regions: ['us-east-1'] },
  });
  t.equal(reply.status, 201, reply.text);
  t.equal(reply.json.awsAccountId, '210987654321');
  t.equal(reply.json.method, 'keys');
  t.equal(reply.json.credentialHint, `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`);
  t.notMatch(reply.text, new RegExp(SECRET.slice(0, 10)));
  const list = await w.request('GET', '/api/accounts', { cookie: a.cookie });
  t.notMatch(list.text, new RegExp(SECRET.slice(0, 10)));
  t.notMatch(list.text, new RegExp(accessKeyId), 'the full key id is not shown either');
  const tenant = await w.store.tenants.get(a.tenantId);
  const stored = tenant?.accounts[0]?.credentials;
  t.equal(stored?.type, 'keys');
  t.notMatch(JSON.stringify(tenant), new RegExp(SECRET.slice(0, 10)), 'sealed at rest');
  const cached = await w.store.cache.read(a.tenantId, 'tenant', async () => 'not cached');
  t.match(JSON.stringify(cached), /"accessKeyId"/, 'the cached tenant is the API\'s view');
  t.notMatch(JSON.stringify(cached), /blob|keyId/, 'no sealed secret is copied into the cache');
});

t.test('rejected credentials are 422 CREDENTIALS_REJECTED and nothing is stored', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'bad@example.com');
  w.sim.addFault({ account: '444444444444', rejectCredentials: true });
  const byRole = await w.request('POST', '/api/accounts', {
    cookie: a.cookie,
    body: { name: 'Bad', roleArn: 'arn:aws:iam::444444444444:role/CloudHealthMonitor', regions: ['us-east-1'] },
  });
  t.equal(byRole.status, 422);
  t.equal(byRole.json.code, 'CREDENTIALS_REJECTED');
  const byKeys = await w.request('POST', '/api/accounts', {
    cookie: a.cookie,
    body: { name: 'Bad', accessKeyId: accessKeyIdForAccount('444444444444'), secretAccessKey: SECRET, regions: ['us-east-1'] },
  });
  t.equal(byKeys.status, 422);
  t.equal(byKeys.json.code, 'CREDENTIALS_REJECTED');
  t.notMatch(byKeys.text, new RegExp(SECRET.slice(0, 10)));
  t.same((await w.request('GET', '/api/accounts', { cookie: a.cookie })).json, []);
  t.same(w.changed, []);
});

t.test('invalid connection requests are 400 without calling AWS; a duplicate is 409', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'inv@example.com');
  const bad = [
    { name: 'x', roleArn: 'arn:aws:iam::12:role/x', regions: ['us-east-1'] },
    { name: 'x', roleArn: 'arn:aws:iam::123456789012:role/x', regions: [] },
    { name: 'x', roleArn: 'arn:aws:iam::123456789012:role/x', regions: ['mars-north-1x'] },
    { name: '', roleArn: 'arn:aws:iam::123456789012:role/x', regions: ['us-east-1'] },
    { name: 'x', roleArn: 'arn:aws:iam::123456789012:role/x', accessKeyId: 'AKIA123', regions: ['us-east-1'] },
    { name: 'x', accessKeyId: 'lowercase', secretAccessKey: SECRET, regions: ['us-east-1'] },
    { name: 'x', regions: ['us-east-1'] },
  ];
  for (const body of bad) {
    const reply = await w.request('POST', '/api/accounts', { cookie: a.cookie, body });
    t.equal(reply.status, 400, JSON.stringify(body));
    t.equal(reply.json.code, 'VALIDATION_FAILED');
  }
  t.equal(w.sim.calls({ service: 'sts' }).length, 0, 'AWS was not called for invalid input');
  const body = { name: 'One', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', regions: ['us-east-1'] };
  t.equal((await w.request('POST', '/api/accounts', { cookie: a.cookie, body })).status, 201);
  const dup = await w.request('POST', '/api/accounts', { cookie: a.cookie, body });
  t.equal(dup.status, 409);
  t.equal(dup.json.code, 'ACCOUNT_EXISTS');
});

t.test('an AWS outage during validation is 503 AWS_UNAVAILABLE, not a credential problem', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'outage@example.com');
  w.sim.addFault({ account: '555555555555', service: 'sts', errorRate: 1 });
  const reply = await w.request('POST', '/api/accounts', {
    cookie: a.cookie,
    body: { name: 'X', roleArn: 'arn:aws:iam::555555555555:role/CloudHealthMonitor', regions: ['us-east-1'] },
  });
  t.equal(reply.status, 503);
  t.equal(reply.json.code, 'AWS_UNAVAILABLE');
});

t.test('tenant isolation: B can neither see nor delete A\'s accounts by any id', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'owner-a@example.com');
  const b = await signIn(w, 'owner-b@example.com');
  const created = await w.request('POST', '/api/accounts', {
    cookie: a.cookie,
    body: { name: 'A prod', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', regions: ['us-east-1'] },
  });
  const id = created.json.id as string;
  t.same((await w.request('GET', '/api/accounts', { cookie: b.cookie })).json, [], 'B sees none');
  const del = await w.request('DELETE', `/api/accounts/${id}`, { cookie: b.cookie });
  t.equal(del.status, 404, 'B cannot delete A\'s account');
  t.equal((await w.request('GET', '/api/accounts', { cookie: a.cookie })).json.length, 1, 'still there for A');
  for (const path of [`/api/metrics?accountId=${id}`, `/api/costs?accountId=${id}`, `/api/findings?accountId=${id}`]) {
    const reply = await w.request('GET', path, { cookie: b.cookie });
    t.equal(reply.status, 404, `B: ${path}`);
  }
  // A tenant id in the body is not a thing: the session decides.
  const smuggle = await w.request('POST', '/api/accounts', {
    cookie: b.cookie,
    body: { name: 'B', tenantId: a.tenantId, roleArn: 'arn:aws:iam::210987654321:role/CloudHealthMonitor', regions: ['us-east-1'] },
  });
  t.equal(smuggle.status, 400, 'unknown fields are refused');

  const own = await w.request('DELETE', `/api/accounts/${id}`, { cookie: a.cookie });
  t.equal(own.status, 204);
  t.same((await w.request('GET', '/api/accounts', { cookie: a.cookie })).json, []);
  t.equal((await w.request('DELETE', `/api/accounts/${id}`, { cookie: a.cookie })).status, 404, 'gone');
  t.same(w.changed, [a.tenantId, a.tenantId]);
});

t.test('update an account: rename at once; new regions and a new role validated live against the same AWS account', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'update@example.com');
  const b = await signIn(w, 'other@example.com');
  const created = await w.request('POST', '/api/accounts', {
    cookie: a.cookie,
    body: { name: 'Prod', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', regions: ['us-east-1'] },
  });
  t.equal(created.status, 201, created.text);
  const id = created.json.id as string;
  const changedBefore = w.changed.length;

  const renamed = await w.request('PATCH', `/api/accounts/${id}`, { cookie: a.cookie, body: { name: 'Production' } });
  t.equal(renamed.status, 200, renamed.text);
  t.equal(renamed.json.name, 'Production');
  t.equal(w.changed.length, changedBefore + 1, 'the runtime is told at once');

  const regions = await w.request('PATCH', `/api/accounts/${id}`, { cookie: a.cookie, body: { regions: ['us-east-1', 'eu-west-1'] } });
  t.equal(regions.status, 200, regions.text);
  t.same(regions.json.regions, ['us-east-1', 'eu-west-1']);
  const stored = (await w.store.tenants.get(a.tenantId))!.accounts[0]!;
  t.equal(stored.revision, 2, 'new regions bump the account revision (collected afresh)');

  const otherAccount = await w.request('PATCH', `/api/accounts/${id}`, {
    cookie: a.cookie,
    body: { roleArn: 'arn:aws:iam::210987654321:role/CloudHealthMonitor' },
  });
  t.equal(otherAccount.status, 422, otherAccount.text);
  t.equal(otherAccount.json.code, 'AWS_ACCOUNT_MISMATCH', 'a role in another AWS account is refused');

  w.sim.addFault({ account: '123456789012', rejectCredentials: true });
  const refused = await w.request('PATCH', `/api/accounts/${id}`, { cookie: a.cookie, body: { roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor' } });
  t.equal(refused.status, 422, refused.text);
  t.equal(refused.json.code, 'CREDENTIALS_REJECTED');
  w.sim.clearFaults();

  for (const body of [{}, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, { roleArn: 'arn:aws:iam::123456789012:role/X', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET }, { region: 'x' }]) {
    const bad = await w.request('PATCH', `/api/accounts/${id}`, { cookie: a.cookie, body });
    t.equal(bad.status, 400, `${JSON.stringify(body)} -> 400`);
    t.equal(bad.json.code, 'VALIDATION_FAILED');
  }
  const foreign = await w.request('PATCH', `/api/accounts/${id}`, { cookie: b.cookie, body: { name: 'mine now' } });
  t.equal(foreign.status, 404, 'another tenant cannot touch it');
  t.equal((await w.store.tenants.get(a.tenantId))!.accounts[0]!.name, 'Production');
});

t.test('an account whose identity was refused is cleared by an update', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'refused@example.com');
  const created = await w.request('POST', '/api/accounts', {
    cookie: a.cookie,
    body: { name: 'Prod', roleArn: 'arn:aws:iam::123456789013:role/CloudHealthMonitor', regions: ['us-east-1'] },
  });
  const id = created.json.id as string;
  await w.store.results.setAccountStatus(a.tenantId, id, 'credentials_invalid', 'AccessDenied');
  const listed = await w.request('GET', '/api/accounts', { cookie: a.cookie });
  t.equal(listed.json[0].status, 'credentials_invalid');
  const updated = await w.request('PATCH', `/api/accounts/${id}`, { cookie: a.cookie, body: { roleArn: 'arn:aws:iam::123456789013:role/CloudHealthMonitor' } });
  t.equal(updated.status, 200, updated.text);
  t.equal(updated.json.status, 'active', 'new credentials deserve a fresh try');
});

t.test('permission check: one call per action and region, Cost Explorer only when paid checks are asked for', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'check@example.com');
  const created = await w.request('POST', '/api/accounts', {
    cookie: a.cookie,
    body: { name: 'Prod', roleArn: 'arn:aws:iam::123456789014:role/CloudHealthMonitor', regions: ['us-east-1', 'eu-west-1'] },
  });
  const id = created.json.id as string;
  const before = w.sim.billable('123456789014');
  const report = await w.request('POST', `/api/accounts/${id}/check`, { cookie: a.cookie });
  t.equal(report.status, 200, report.text);
  t.equal(report.json.identityOk, true);
  const items = report.json.items as { operation: string; region?: string; result: string; costUsd: number }[];
  for (const region of ['us-east-1', 'eu-west-1']) {
    for (const operation of ['DescribeAlarms', 'ListMetrics', 'GetMetricData']) {
      t.match(items.find((i) => i.operation === operation && i.region === region), { result: 'ok' }, `${operation} in ${region}`);
    }
    t.ok(items.some((i) => i.operation === 'ListDetectors' && i.region === region && ['ok', 'feature_not_enabled'].includes(i.result)), `GuardDuty looked at in ${region}`);
  }
  for (const operation of ['GetCostAndUsage', 'GetCostForecast', 'GetAnomalies', 'GetRightsizingRecommendation']) {
    t.match(items.find((i) => i.operation === operation), { result: 'not_checked', note: /\$0\.01/ }, `${operation}: billed, so not checked`);
  }
  const after = w.sim.billable('123456789014');
  t.equal(after.costExplorerRequests, before.costExplorerRequests, 'no Cost Explorer request was made (or billed)');
  t.equal(after.getMetricDataMetrics - before.getMetricDataMetrics, 2, 'one metric per region');
  const checked = w.sim.calls({ account: '123456789014', operation: 'DescribeAlarms' }).length;
  t.equal(report.json.costUsd, 0.00002, 'the report says what it cost');

  for (const expected of [200, 200, 429]) {
    const again = await w.request('POST', `/api/accounts/${id}/check`, { cookie: a.cookie });
    t.equal(again.status, expected, 'at most three checks of an account a minute');
  }
  w.clock.now += 61_000;
  const paid = await w.request('POST', `/api/accounts/${id}/check`, { cookie: a.cookie, body: { includePaid: true } });
  t.equal(paid.status, 200, paid.text);
  t.match((paid.json.items as { operation: string }[]).find((i) => i.operation === 'GetCostAndUsage'), { result: 'ok', costUsd: 0.01 });
  t.equal(w.sim.billable('123456789014').costExplorerRequests - after.costExplorerRequests, 4, 'four billed requests, as announced');
  t.ok(checked >= 2, 'each region was asked');

  const b = await signIn(w, 'nosy@example.com');
  t.equal((await w.request('POST', `/api/accounts/${id}/check`, { cookie: b.cookie })).status, 404, 'not across tenants');
  t.equal((await w.request('POST', `/api/accounts/${id}/check`, { cookie: a.cookie, body: { includePaid: 'yes' } })).status, 400);
});

t.test('onboarding offers a CloudFormation template with the tenant ExternalId and the same policy', async (t) => {
  const w = await startWorld(t);
  const a = await signIn(w, 'cfn@example.com');
  const onboarding = (await w.request('GET', '/api/accounts/onboarding', { cookie: a.cookie })).json;
  const template = await w.request('GET', onboarding.cloudFormation.templatePath, { cookie: a.cookie });
  t.equal(template.status, 200);
  t.match(template.headers.get('content-disposition'), /attachment/);
  t.equal(template.json.Parameters.ExternalId.Default, onboarding.externalId);
  t.equal(template.json.Parameters.PlatformAccountId.Default, PLATFORM_ACCOUNT_ID);
  const role = template.json.Resources.CloudHealthMonitorRole.Properties;
  t.same(role.Policies[0].PolicyDocument, onboarding.permissionPolicy, 'the template grants exactly the onboarding policy');
  t.same(role.AssumeRolePolicyDocument.Statement[0].Condition, { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } });
  t.equal((await w.request('GET', onboarding.cloudFormation.templatePath)).status, 401);
});
