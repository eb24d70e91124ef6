/**
 * /api/openapi.json declares real response schemas (arrays as arrays, generated from the zod
 * schemas), and live responses of every operation match them.
 */
import t from 'tap';
import { documentValidator } from './fixtures/openapi-validator.js';
import { startWorld } from './fixtures/harness.js';
import { seed } from './fixtures/seed.js';

t.test('every JSON success response has a schema; arrays are arrays', async (t) => {
  const w = await startWorld(t);
  const document = (await w.request('GET', '/api/openapi.json')).json;
  for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
        if (!response.content) continue;
        for (const [type, media] of Object.entries(response.content as Record<string, any>)) {
          const schema = JSON.stringify(media.schema);
          t.notMatch(schema, /no schema in response-schemas/, `${method} ${path} ${status} ${type} has a schema`);
          t.ok(media.schema.$ref || media.schema.type || media.schema.anyOf, `${method} ${path} ${status} declares a shape`);
        }
      }
    }
  }
  const accounts = document.paths['/api/accounts'].get.responses['200'].content['application/json'].schema;
  t.equal(accounts.type, 'array', 'GET /api/accounts is an array');
  t.equal(accounts.items.$ref, '#/components/schemas/AccountView');
  t.equal(document.paths['/dev/outbox'].get.responses['200'].content['application/json'].schema.type, 'array', 'GET /dev/outbox is an array');
  t.same(document.components.schemas.Settings.required.sort(), ['digestHour', 'email', 'emailVerified', 'monitoringCapUsd', 'monthlyBudgetUsd', 'notifications', 'timezone']);
});

t.test('live responses of every operation match the document', async (t) => {
  const w = await startWorld(t, { mode: 'demo', operatorToken: undefined });
  const { a, accountId, today } = await seed(w);
  w.registry.tenantStarted(a.tenantId);
  const validator = documentValidator((await w.request('GET', '/api/openapi.json')).json);
  const cookie = a.cookie;
  const calls: [string, string, unknown?][] = [
    ['GET', '/api/me'],
    ['GET', '/api/settings'],
    ['PUT', '/api/settings', { digestHour: 9, monthlyBudgetUsd: 100 }],
    ['PUT', '/api/settings', { email: 'moved@example.com' }],
    ['GET', '/api/accounts'],
    ['GET', '/api/accounts/onboarding'],
    ['GET', '/api/accounts/onboarding/cloudformation.json'],
    ['PATCH', `/api/accounts/${accountId}`, { name: 'Renamed' }],
    ['PATCH', '/api/accounts/nope', { name: 'Renamed' }],
    ['POST', `/api/accounts/${accountId}/check`],
    ['GET', `/api/accounts/${accountId}/metric-selection`],
    ['PUT', `/api/accounts/${accountId}/metric-selection`, { disabledServices: ['ec2'] }],
    ['POST', `/api/accounts/${accountId}/metric-selection/preview`, { disabledServices: [] }],
    ['GET', `/api/accounts/${accountId}/metric-browser?region=us-east-1`],
    ['GET', '/api/accounts/nope/metric-browser?region=us-east-1'],
    ['GET', '/api/overview'],
    ['GET', `/api/metrics?accountId=${accountId}`],
    ['GET', `/api/metrics?accountId=${accountId}&region=us-east-1&namespace=AWS/EC2&metric=CPUUtilization&resourceId=i-idle0001`],
    ['GET', `/api/costs?to=${today}`],
    ['GET', `/api/costs?to=2026-00-10`],
    ['GET', '/api/findings?limit=3'],
    ['GET', '/api/findings?severity=nope'],
    ['GET', '/api/findings.csv'],
    ['POST', '/api/findings/suppressions', { kind: 'type', value: 'Recon:EC2/PortProbeUnprotectedPort', reason: 'expected scanner' }],
    ['GET', '/api/findings/suppressions'],
    ['DELETE', '/api/findings/suppressions/nope'],
    ['GET', '/api/meta'],
    ['GET', '/api/recommendations'],
    ['PATCH', '/api/recommendations/nope', { status: 'done' }],
    ['GET', '/ops/health'],
    ['GET', '/ops/workers'],
    ['GET', '/metrics'],
    ['GET', '/dev/outbox'],
    ['POST', `/ops/tenants/${a.tenantId}/restart`],
    ['POST', '/ops/tenants/nobody/restart'],
    ['POST', '/api/auth/resend', { email: 'x@example.com' }],
    ['POST', '/api/auth/verify', { token: 'x'.repeat(43) }],
    ['POST', '/api/auth/login', { email: a.email, password: 'wrong password' }],
    ['POST', '/api/auth/signup', { email: 'new@example.com', password: 'long enough 1', organization: 'N' }],
    ['POST', '/api/auth/signup', { email: 'bad' }],
    ['DELETE', '/api/accounts/nope'],
    ['POST', '/api/accounts', { name: 'X', roleArn: 'arn:aws:iam::210987654321:role/CloudHealthMonitor', regions: ['us-east-1'] }],
    ['GET', '/api/openapi.json'],
    ['POST', '/api/auth/reset/request', { email: 'x@example.com' }],
    ['POST', '/api/auth/reset', { token: 'y'.repeat(43), password: 'long enough 1' }],
    ['POST', '/api/auth/password', { currentPassword: 'wrong', newPassword: 'long enough 1' }],
    ['GET', '/api/auth/sessions'],
    ['GET', '/api/audit?limit=2'],
    ['GET', '/api/audit?before=nope'],
    ['GET', '/api/audit.csv'],
    ['GET', '/api/members'],
    ['POST', '/api/tokens', { name: 'script', scope: 'read' }],
    ['GET', '/api/tokens'],
    ['DELETE', '/api/tokens/nope'],
    ['POST', '/api/channels', { kind: 'webhook', name: 'Pager', url: 'https://93.184.216.34/hook' }],
    ['POST', '/api/channels', { kind: 'webhook', name: 'Inside', url: 'https://10.0.0.1/hook' }],
    ['GET', '/api/channels'],
    ['POST', '/api/channels/nope/test'],
    ['DELETE', '/api/channels/nope'],
    ['POST', '/api/members', { email: 'invitee@example.com', role: 'viewer' }],
    ['PATCH', '/api/members/nope', { role: 'admin' }],
    ['DELETE', '/api/members/nope'],
    ['POST', '/api/tenant/delete', { password: 'not the password' }],
    ['GET', '/api/auth/mfa'],
    ['POST', '/api/auth/mfa/enrol'],
    ['POST', '/api/auth/mfa/confirm', { code: '000000' }],
    ['POST', '/api/auth/mfa/disable', { password: 'wrong', code: '123456' }],
    ['PUT', '/api/auth/mfa/required', { required: false }],
    ['POST', '/api/auth/login/mfa', { mfaToken: 'z'.repeat(43), code: '123456' }],
    ['POST', '/api/auth/switch', { tenantId: 'nope' }],
    ['DELETE', '/api/auth/sessions/nope'],
    ['DELETE', '/api/auth/sessions'],
    ['PUT', `/api/accounts/${accountId}/budget`, { monthlyBudgetUsd: 120 }],
    ['DELETE', `/api/accounts/${accountId}`],
    ['POST', '/api/auth/logout'],
    ['GET', '/api/me'],
  ];
  const seen = new Set<string>();
  for (const [method, path, body] of calls) {
    const reply = await w.request(method, path, { cookie, ...(body !== undefined ? { body } : {}) });
    t.ok(reply.status < 500, `${method} ${path} -> ${reply.status}`);
    t.same(validator.check(method, path, reply), [], `${method} ${path} (${reply.status}) matches the document`);
    const template = validator.operations.find(([m, p]) => m === method && new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path.split('?')[0]!));
    if (template) seen.add(template.join(' '));
  }
  const missed = validator.operations.map((op) => op.join(' ')).filter((op) => !seen.has(op));
  t.same(missed, [], 'every operation of the document was called');
});
