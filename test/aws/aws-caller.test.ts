/** The caller's credential handling, with fakes (no SDK, no server). */
import t from 'tap';
import type { STSClient } from '@aws-sdk/client-sts';
import { isAbortError } from '../../src/domain/errors.js';
import type { AccountTarget } from '../../src/domain/gateway.js';
import { silentLogger } from '../../src/log.js';
import { createStsAssumeRole } from '../../src/aws/assume-role.js';
import { createAwsCaller } from '../../src/aws/aws-caller.js';
import type { ClientFactory } from '../../src/aws/client-factory.js';
import { createCredentialCache, type AwsCredentials } from '../../src/aws/credential-cache.js';
import { expectFailure } from './expect-failure.js';

const target: AccountTarget = {
  id: 'acc-1',
  tenantId: 'tenant-1',
  awsAccountId: '111111111111',
  credentials: { type: 'role', roleArn: 'arn:aws:iam::111111111111:role/monitor', externalId: 'ext' },
};
const clients = { forAccount: () => ({}) } as unknown as ClientFactory;
const request = (signal: AbortSignal) => ({ target, service: 'cloudwatch' as const, region: 'us-east-1', operation: 'DescribeAlarms', signal });

function sdkError(name: string, status: number): Error {
  return Object.assign(new Error('text'), { name, $metadata: { httpStatusCode: status } });
}

t.test('one caller aborting does not cancel the AssumeRole another caller waits for', async (t) => {
  let release: (value: AwsCredentials) => void = () => undefined;
  let assumed = 0;
  const credentials = createCredentialCache({
    assumeRole: () => (assumed++, new Promise<AwsCredentials>((resolve) => (release = resolve))),
    openSecret: () => 'x',
    logger: silentLogger(),
  });
  const caller = createAwsCaller({ credentials, clients, logger: silentLogger() });
  const impatient = new AbortController();
  const first = caller.call(request(impatient.signal), async () => 'first');
  const second = caller.call(request(new AbortController().signal), async () => 'second');
  impatient.abort();
  t.ok(isAbortError(await first.catch((e: unknown) => e)), 'the aborted caller gets an AbortError at once');
  release({ accessKeyId: 'a', secretAccessKey: 's', sessionToken: 't' });
  t.equal(await second, 'second', 'the other caller still gets its session');
  t.equal(assumed, 1);
});

t.test('session errors are retried once per call, not for static keys', async (t) => {
  const credentials = createCredentialCache({
    assumeRole: async () => ({ accessKeyId: 'a', secretAccessKey: 's', sessionToken: 't' }),
    openSecret: () => 'x',
    logger: silentLogger(),
  });
  const caller = createAwsCaller({ credentials, clients, logger: silentLogger() });
  let sends = 0;
  await expectFailure(
    t,
    caller.call(request(new AbortController().signal), async () => {
      sends++;
      throw sdkError('ExpiredTokenException', 400);
    }),
    { kind: 'identity', awsCode: 'ExpiredTokenException' },
  );
  t.equal(sends, 2);

  sends = 0;
  const keys: AccountTarget = { ...target, credentials: { type: 'keys', accessKeyId: 'AKIA', secret: { keyId: 'k', blob: 'b' } } };
  await expectFailure(
    t,
    caller.call({ ...request(new AbortController().signal), target: keys }, async () => {
      sends++;
      throw sdkError('InvalidClientTokenId', 403);
    }),
    { kind: 'identity' },
  );
  t.equal(sends, 1, 'static keys do not get better by retrying');
});

t.test('AssumeRole: a refused role is the tenant\'s problem, refused platform credentials are not', async (t) => {
  const stsFailing = (error: Error) => ({ send: async () => Promise.reject(error) }) as unknown as STSClient;
  const ask = { roleArn: target.credentials.type === 'role' ? target.credentials.roleArn : '', externalId: 'ext', sessionName: 's', durationSec: 3600 };
  await expectFailure(t, createStsAssumeRole(stsFailing(sdkError('AccessDenied', 403)))(ask), { kind: 'identity', service: 'sts' });
  await expectFailure(t, createStsAssumeRole(stsFailing(sdkError('InvalidClientTokenId', 403)))(ask), { kind: 'transient', awsCode: 'InvalidClientTokenId' });
  await expectFailure(t, createStsAssumeRole(stsFailing(sdkError('ExpiredToken', 400)))(ask), { kind: 'transient' });
  await expectFailure(t, createStsAssumeRole(stsFailing(sdkError('Throttling', 400)))(ask), { kind: 'throttled' });
  const empty = { send: async () => ({ Credentials: undefined }) } as unknown as STSClient;
  await expectFailure(t, createStsAssumeRole(empty)(ask), { kind: 'other' });
});
