/** Credentials end to end: AssumeRole with the ExternalId, session caching, validation, refusals. */
import t from 'tap';
import { AppError } from '../../src/domain/errors.js';
import { ACCOUNT_MISMATCH, INVALID_ROLE_ARN } from '../../src/aws/index.js';
import { expectFailure } from './expect-failure.js';
import { live, startWorld } from './sim-world.js';

t.test('a role is assumed with the tenant\'s ExternalId, once for many calls', async (t) => {
  const w = await startWorld(t);
  const target = w.role('123456789012', 'acme');
  await Promise.all([
    w.aws.cloudwatch.describeAlarms(target, 'us-east-1', live()),
    w.aws.cloudwatch.describeAlarms(target, 'us-east-1', live()),
    w.aws.cloudwatch.listMetrics(target, 'us-east-1', live()),
  ]);
  await w.aws.cloudwatch.describeAlarms(target, 'us-east-1', live());
  const assumed = w.sim.calls({ service: 'sts', operation: 'AssumeRole' });
  t.equal(assumed.length, 1, 'one AssumeRole shared by concurrent and later calls');
  t.same(assumed[0]?.params, { roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', externalId: 'ext-acme' });
  t.ok(w.sim.calls({ account: '123456789012', service: 'cloudwatch' }).length >= 4, 'the calls ran as the tenant\'s account');
});

t.test('validateAccount returns the real account id (role and keys)', async (t) => {
  const w = await startWorld(t);
  const byRole = await w.aws.validateAccount({ tenantId: 'acme', credentials: w.role('123456789012').credentials, claimedAwsAccountId: '123456789012' }, live());
  t.equal(byRole.awsAccountId, '123456789012');
  t.match(byRole.arn, /assumed-role\/CloudHealthMonitor\/cloud-health-acme/);
  const byKeys = await w.aws.validateAccount({ tenantId: 'acme', credentials: w.keys('210987654321').credentials, accountId: w.keys('210987654321').id }, live());
  t.equal(byKeys.awsAccountId, '210987654321');
  const plain = await w.aws.validateAccount(
    { tenantId: 'acme', credentials: { type: 'keys', accessKeyId: 'AKIA333333333333SIMK', secretAccessKey: 'typed-in' } },
    live(),
  );
  t.equal(plain.awsAccountId, '333333333333', 'keys not sealed yet validate too');
});

t.test('a claimed account id that is not the real one is refused with a stable code', async (t) => {
  const w = await startWorld(t);
  const error = await w.aws
    .validateAccount({ tenantId: 'acme', credentials: w.keys('210987654321').credentials, accountId: w.keys('210987654321').id, claimedAwsAccountId: '111111111111' }, live())
    .catch((e: unknown) => e);
  t.ok(error instanceof AppError);
  t.equal((error as AppError).code, ACCOUNT_MISMATCH);
  t.equal((error as AppError).status, 422);
  const roleError = await w.aws
    .validateAccount({ tenantId: 'acme', credentials: w.role('123456789012').credentials, claimedAwsAccountId: '111111111111' }, live())
    .catch((e: unknown) => e);
  t.equal((roleError as AppError).code, ACCOUNT_MISMATCH, 'a role ARN in another account is refused before any call');
  const badArn = await w.aws
    .validateAccount({ tenantId: 'acme', credentials: { type: 'role', roleArn: 'arn:aws:iam::12:role/x', externalId: 'e' } }, live())
    .catch((e: unknown) => e);
  t.equal((badArn as AppError).code, INVALID_ROLE_ARN);
});

t.test('rejected credentials surface as "identity" (role refused by STS, keys refused by the service and by STS)', async (t) => {
  const w = await startWorld(t, { faults: [{ account: '444444444444', rejectCredentials: true }] });
  const viaRole = await expectFailure(t, w.aws.cloudwatch.describeAlarms(w.role('444444444444'), 'us-east-1', live()), { kind: 'identity' });
  t.equal(viaRole?.service, 'sts', 'AssumeRole was refused');
  await expectFailure(t, w.aws.cloudwatch.describeAlarms(w.keys('444444444444'), 'us-east-1', live()), { kind: 'identity', service: 'cloudwatch' });
  await expectFailure(t, w.aws.validateAccount({ tenantId: 'x', credentials: w.keys('444444444444').credentials, accountId: w.keys('444444444444').id }, live()), { kind: 'identity' });
  t.same(await w.aws.cloudwatch.describeAlarms(w.role('555555555555'), 'us-east-1', live()).then(() => 'ok'), 'ok', 'other accounts are unaffected');
});

t.test('a session one endpoint refuses: dropped, re-assumed once, then that region is reported (STS accepts the role)', async (t) => {
  const w = await startWorld(t);
  const target = w.role('666666666666');
  await w.aws.cloudwatch.describeAlarms(target, 'us-east-1', live());
  w.sim.addFault({ account: '666666666666', service: 'cloudwatch', rejectCredentials: true });
  await expectFailure(t, w.aws.cloudwatch.describeAlarms(target, 'us-east-1', live()), { kind: 'region', service: 'cloudwatch', region: 'us-east-1' });
  const refused = w.sim.calls({ account: '666666666666', service: 'cloudwatch', operation: 'DescribeAlarms' }).filter((c) => c.status === 403);
  t.equal(refused.length, 2, 'the refused call was tried once more');
  t.equal(refused[0]?.errorCode, 'InvalidClientTokenId');
  t.equal(w.sim.calls({ account: '666666666666', operation: 'AssumeRole' }).length, 2, 'with a freshly assumed session');
});
