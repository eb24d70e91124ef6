/**
 * The adapters' behaviour through the real SDK against a scripted endpoint (no simulator):
 * which credentials sign each request, the one session refresh, retries, timeouts and aborts.
 */
import t, { type Test } from 'tap';
import { expectFailure } from './expect-failure.js';
import { AwsCallError, isAbortError } from '../../src/domain/errors.js';
import type { AccountTarget } from '../../src/domain/gateway.js';
import { silentLogger } from '../../src/log.js';
import { createAwsCaller } from '../../src/aws/aws-caller.js';
import { createClientFactory } from '../../src/aws/client-factory.js';
import { createCloudWatchGateway } from '../../src/aws/cloudwatch-gateway.js';
import { createCredentialCache, type AwsCredentials } from '../../src/aws/credential-cache.js';
import { createMemoryBillingLedger } from '../../src/aws/billing-ledger.js';
import { startFakeCloudWatch, type FakeReply, type FakeRequest } from './fake-cloudwatch-server.js';

const target: AccountTarget = {
  id: 'acc-1',
  tenantId: 'tenant-1',
  awsAccountId: '111111111111',
  credentials: { type: 'role', roleArn: 'arn:aws:iam::111111111111:role/monitor', externalId: 'ext' },
};

async function setup(t: Test, reply: (request: FakeRequest, index: number) => FakeReply, options: { maxAttempts?: number; requestTimeoutMs?: number } = {}) {
  const server = await startFakeCloudWatch(reply);
  let sessions = 0;
  const credentials = createCredentialCache({
    assumeRole: async (): Promise<AwsCredentials> => ({ accessKeyId: `ASIASESSION${++sessions}`, secretAccessKey: 's', sessionToken: 'tok' }),
    openSecret: () => 'x',
    logger: silentLogger(),
  });
  const clients = createClientFactory({
    region: 'eu-west-1',
    endpoint: server.endpoint,
    credentialsFor: (account) => () => credentials.get(account),
    ...options,
  });
  const caller = createAwsCaller({ credentials, clients, logger: silentLogger() });
  const cloudwatch = createCloudWatchGateway({ caller, ledger: createMemoryBillingLedger() });
  t.teardown(async () => {
    clients.close();
    await server.close();
  });
  return { server, cloudwatch, credentials, clients, sessions: () => sessions };
}

const signal = () => new AbortController().signal;

t.test('every request is signed with the cache\'s current session (the SDK keeps no copy)', async (t) => {
  const { server, cloudwatch, credentials } = await setup(t, () => ({}));
  await cloudwatch.describeAlarms(target, 'eu-west-1', signal());
  credentials.invalidate(target);
  await cloudwatch.describeAlarms(target, 'eu-west-1', signal());
  t.same(server.requests.map((r) => r.accessKeyId), ['ASIASESSION1', 'ASIASESSION2']);
});

t.test('an expired session is dropped and the call retried once with a fresh one', async (t) => {
  const expired = { status: 400, body: { __type: 'ExpiredTokenException', message: 'expired' } };
  const { server, cloudwatch, sessions } = await setup(t, (_r, i) => (i === 0 ? expired : {}));
  const alarms = await cloudwatch.describeAlarms(target, 'eu-west-1', signal());
  t.same(alarms, []);
  t.same(server.requests.map((r) => r.accessKeyId), ['ASIASESSION1', 'ASIASESSION2']);
  t.equal(sessions(), 2);
});

t.test('a session refused again after the refresh is "identity"', async (t) => {
  const { server, cloudwatch } = await setup(t, () => ({ status: 400, body: { __type: 'ExpiredTokenException' } }));
  const error = await cloudwatch.describeAlarms(target, 'eu-west-1', signal()).catch((e: unknown) => e);
  t.ok(error instanceof AwsCallError);
  t.equal((error as AwsCallError).kind, 'identity');
  t.equal((error as AwsCallError).awsCode, 'ExpiredTokenException');
  t.equal(server.requests.length, 2, 'exactly one retry');
});

t.test('AccessDenied is "permission" for that operation at once (a new session would not help)', async (t) => {
  const { server, cloudwatch } = await setup(t, () => ({ status: 400, body: { __type: 'AccessDeniedException' } }));
  await expectFailure(t, cloudwatch.describeAlarms(target, 'eu-west-1', signal()), { kind: 'permission', service: 'cloudwatch' });
  t.equal(server.requests.length, 1);
});

t.test('throttling is retried by the SDK (maxAttempts) and then surfaces as "throttled"', async (t) => {
  const { server, cloudwatch } = await setup(t, () => ({ status: 400, body: { __type: 'ThrottlingException' } }), { maxAttempts: 3 });
  await expectFailure(t, cloudwatch.describeAlarms(target, 'eu-west-1', signal()), { kind: 'throttled', awsCode: 'ThrottlingException' });
  t.equal(server.requests.length, 3);
});

t.test('throttling that passes is invisible to the caller', async (t) => {
  const { server, cloudwatch } = await setup(t, (_r, i) => (i === 0 ? { status: 400, body: { __type: 'ThrottlingException' } } : {}));
  t.same(await cloudwatch.describeAlarms(target, 'eu-west-1', signal()), []);
  t.equal(server.requests.length, 2);
});

t.test('5xx is retried, then "transient"', async (t) => {
  const { server, cloudwatch } = await setup(t, () => ({ status: 500, body: { __type: 'InternalServiceFault' } }), { maxAttempts: 2 });
  await expectFailure(t, cloudwatch.describeAlarms(target, 'eu-west-1', signal()), { kind: 'transient' });
  t.equal(server.requests.length, 2);
});

t.test('a request timeout is "transient"', async (t) => {
  const { cloudwatch } = await setup(t, () => ({ delayMs: 2_000 }), { maxAttempts: 1, requestTimeoutMs: 100 });
  await expectFailure(t, cloudwatch.describeAlarms(target, 'eu-west-1', signal()), { kind: 'transient', awsCode: 'TimeoutError' });
});

t.test('an abort stops a slow call at once and surfaces as an abort', async (t) => {
  const { cloudwatch } = await setup(t, () => ({ delayMs: 20_000 }));
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(), 50);
  const error = await cloudwatch.describeAlarms(target, 'eu-west-1', controller.signal).catch((e: unknown) => e);
  t.ok(isAbortError(error), 'AbortError');
  t.notOk(error instanceof AwsCallError, 'not classified');
  t.ok(Date.now() - started < 5_000, `stopped well before the 20 s delay (${Date.now() - started} ms)`);
});

t.test('an already aborted signal makes no request', async (t) => {
  const { server, cloudwatch } = await setup(t, () => ({}));
  const controller = new AbortController();
  controller.abort();
  t.ok(isAbortError(await cloudwatch.describeAlarms(target, 'eu-west-1', controller.signal).catch((e: unknown) => e)));
  t.equal(server.requests.length, 0);
});

t.test('clients are cached per account, region and service, and bounded', async (t) => {
  const { clients } = await setup(t, () => ({}));
  const a = clients.forAccount(target, 'cloudwatch', 'eu-west-1');
  t.equal(clients.forAccount(target, 'cloudwatch', 'eu-west-1'), a);
  t.not(clients.forAccount(target, 'cloudwatch', 'us-east-1'), a);
  t.equal(clients.forAccount(target, 'ce', 'eu-west-1'), clients.forAccount(target, 'ce', 'ap-south-1'), 'Cost Explorer is global');
  t.equal(await clients.forAccount(target, 'ce', 'eu-west-1').config.region(), 'us-east-1');
  const changed = { ...target, credentials: { type: 'role' as const, roleArn: 'arn:aws:iam::111111111111:role/other', externalId: 'ext' } };
  t.not(clients.forAccount(changed, 'cloudwatch', 'eu-west-1'), a, 'new credentials, new client');

  const small = createClientFactory({ region: 'eu-west-1', credentialsFor: () => async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }), maxClients: 5 });
  t.teardown(() => small.close());
  for (let i = 0; i < 20; i++) small.forAccount({ ...target, id: `acc-${i}` }, 'guardduty', 'eu-west-1');
  t.equal(small.size, 5);
});
