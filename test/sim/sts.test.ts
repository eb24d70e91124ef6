import t from 'tap';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { accountForAccessKey, startSimulator } from '../../src/sim/index.js';
import { T0, clientConfig, manualClock, rejection, sdkError } from './fixtures/sim-clients.js';

const PLATFORM = '111122223333';
const TENANT = '444455556666';

t.test('AssumeRole issues session credentials for the role account, an hour ahead of the clock', async (t) => {
  const clock = manualClock();
  const sim = await startSimulator({ now: clock.now });
  t.teardown(() => sim.close());
  const sts = new STSClient(clientConfig(sim, PLATFORM));
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${TENANT}:role/CloudHealthMonitor`, RoleSessionName: 'cloud-health', ExternalId: 'ext-123' }));
  const c = out.Credentials;
  t.ok(c?.AccessKeyId?.startsWith(`ASIA${TENANT}`), 'the session key encodes the account');
  t.ok(c?.SecretAccessKey && c.SessionToken, 'secret and token are present');
  t.type(c?.Expiration, Date);
  t.equal(c?.Expiration?.getTime(), T0 + 3600_000, 'expires one hour after the simulated now');
  t.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${TENANT}:assumed-role/CloudHealthMonitor/cloud-health`);

  const asRole = new STSClient({ ...clientConfig(sim, PLATFORM), credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! } });
  const who = await asRole.send(new GetCallerIdentityCommand({}));
  t.equal(who.Account, TENANT);
  t.equal(who.Arn, `arn:aws:sts::${TENANT}:assumed-role/CloudHealthMonitor/cloud-health`);
  t.match(who.UserId, /^AROA\w+:cloud-health$/);

  const [call] = sim.calls({ operation: 'AssumeRole' });
  t.match(call, { account: TENANT, service: 'sts', status: 200, params: { roleArn: `arn:aws:iam::${TENANT}:role/CloudHealthMonitor`, externalId: 'ext-123' } }, 'the call is recorded for the role account with its ExternalId');
});

t.test('DurationSeconds sets the expiry; bad input is a ValidationError', async (t) => {
  const sim = await startSimulator({ now: manualClock().now });
  t.teardown(() => sim.close());
  const sts = new STSClient(clientConfig(sim, PLATFORM));
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${TENANT}:role/CloudHealthMonitor`, RoleSessionName: 'abc', ExternalId: 'ext-1', DurationSeconds: 900 }));
  t.equal(out.Credentials?.Expiration?.getTime(), T0 + 900_000);
  for (const input of [
    { RoleArn: 'not-an-arn', RoleSessionName: 'abc' },
    { RoleArn: `arn:aws:iam::${TENANT}:role/x`, RoleSessionName: 'has space' },
    { RoleArn: `arn:aws:iam::${TENANT}:role/x`, RoleSessionName: 'abc', DurationSeconds: 60 },
  ]) {
    const error = sdkError(await rejection(() => sts.send(new AssumeRoleCommand(input))));
    t.match(error, { name: 'ValidationError', status: 400, fault: 'client' }, JSON.stringify(input));
  }
});

t.test('static keys map to accounts: AKIA + 12 digits, otherwise a stable hash', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const encoded = new STSClient(clientConfig(sim, TENANT));
  t.equal((await encoded.send(new GetCallerIdentityCommand({}))).Account, TENANT);
  const other = new STSClient({ endpoint: sim.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'SOMEKEYWITHOUTDIGITS', secretAccessKey: 's' } });
  const who = await other.send(new GetCallerIdentityCommand({}));
  t.match(who.Account, /^\d{12}$/);
  t.equal(who.Account, accountForAccessKey('SOMEKEYWITHOUTDIGITS'));
  t.equal(accountForAccessKey('SOMEKEYWITHOUTDIGITS'), accountForAccessKey('SOMEKEYWITHOUTDIGITS'), 'stable');
  t.not(accountForAccessKey('SOMEKEYWITHOUTDIGITS'), accountForAccessKey('ANOTHERKEY'));
  t.equal(who.Arn, `arn:aws:iam::${who.Account}:user/simulated-user`);
});

t.test('an unknown STS action is InvalidAction', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const sts = new STSClient(clientConfig(sim, PLATFORM));
  sts.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { body: string; headers: Record<string, string> };
      request.body = request.body.replace('Action=GetCallerIdentity', 'Action=GetEverything');
      request.headers['content-length'] = String(Buffer.byteLength(request.body));
      return next(args);
    },
    { step: 'build' },
  );
  const error = sdkError(await rejection(() => sts.send(new GetCallerIdentityCommand({}))));
  t.match(error, { name: 'InvalidAction', status: 400 });
});
