/** STS AssumeRole refuses what AWS refuses: the default world's pinned ExternalId, configured roles. */
import t, { type Test } from 'tap';
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { clientConfig, rejection, sdkError } from './fixtures/sim-clients.js';

const PLATFORM = '111122223333';
const TENANT = '444455556666';
const OTHER = '777788889999';

const role = (account: string, name: string, externalId?: string): AssumeRoleCommandInput => ({
  RoleArn: `arn:aws:iam::${account}:role/${name}`,
  RoleSessionName: 'cloud-health',
  ...(externalId === undefined ? {} : { ExternalId: externalId }),
});

async function setup(t: Test, options: Parameters<typeof startSimulator>[0] = {}): Promise<{ sim: Simulator; assume: (input: AssumeRoleCommandInput) => Promise<unknown> }> {
  const sim = await startSimulator(options);
  t.teardown(() => sim.close());
  const sts = new STSClient(clientConfig(sim, PLATFORM, { maxAttempts: 1 }));
  return { sim, assume: (input) => sts.send(new AssumeRoleCommand(input)) };
}

t.test('default world: CloudHealthMonitor pins the first ExternalId; another, none or another role is AccessDenied', async (t) => {
  const { sim, assume } = await setup(t);
  const noId = await rejection(() => assume(role(TENANT, 'CloudHealthMonitor')));
  t.match(sdkError(noId), { name: 'AccessDenied', status: 403, fault: 'client' }, 'no ExternalId pins nothing and is refused');
  t.equal((noId as Error).message, `User: arn:aws:iam::${PLATFORM}:user/simulated-user is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${TENANT}:role/CloudHealthMonitor`);
  t.ok(await assume(role(TENANT, 'CloudHealthMonitor', 'ext-acme')), 'the first ExternalId is accepted and pinned');
  t.ok(await assume(role(TENANT, 'CloudHealthMonitor', 'ext-acme')), 'and accepted again');
  t.match(sdkError(await rejection(() => assume(role(TENANT, 'CloudHealthMonitor', 'ext-mallory')))), { name: 'AccessDenied', status: 403 }, 'another ExternalId: the confused deputy is caught');
  t.match(sdkError(await rejection(() => assume(role(TENANT, 'CloudHealthMonitor')))), { name: 'AccessDenied' }, 'none, after the pin');
  t.match(sdkError(await rejection(() => assume(role(TENANT, 'CloudHealthDemo', 'ext-acme')))), { name: 'AccessDenied' }, 'a role that does not exist');
  t.ok(await assume(role(OTHER, 'CloudHealthMonitor', 'ext-mallory')), 'pins are per account');
  t.same(
    sim.calls({ operation: 'AssumeRole' }).map((c) => [c.account, c.status, c.errorCode]),
    [
      [TENANT, 403, 'AccessDenied'],
      [TENANT, 200, undefined],
      [TENANT, 200, undefined],
      [TENANT, 403, 'AccessDenied'],
      [TENANT, 403, 'AccessDenied'],
      [TENANT, 403, 'AccessDenied'],
      [OTHER, 200, undefined],
    ],
    'each refusal is recorded for the role account',
  );
  t.same(
    sim.calls({ operation: 'AssumeRole' }).map((c) => c.params?.externalId ?? null),
    [null, 'ext-acme', 'ext-acme', 'ext-mallory', null, 'ext-acme', 'ext-mallory'],
    'with the ExternalId each presented',
  );

  const fresh = await setup(t);
  t.ok(await fresh.assume(role(TENANT, 'CloudHealthMonitor', 'ext-mallory')), 'pins live in one simulator instance only');
});

t.test('configured roles: only those names, each with its own ExternalId condition (or none)', async (t) => {
  const { sim, assume } = await setup(t, { accounts: { [TENANT]: { roles: { CloudHealthDemo: { externalId: 'ext-1' }, Open: {} } } } });
  t.ok(await assume(role(TENANT, 'CloudHealthDemo', 'ext-1')));
  t.match(sdkError(await rejection(() => assume(role(TENANT, 'CloudHealthDemo', 'ext-2')))), { name: 'AccessDenied', status: 403 }, 'a different ExternalId');
  t.match(sdkError(await rejection(() => assume(role(TENANT, 'CloudHealthDemo')))), { name: 'AccessDenied' }, 'a missing ExternalId');
  t.ok(await assume(role(TENANT, 'Open')), 'a trust policy without an ExternalId condition');
  t.ok(await assume(role(TENANT, 'Open', 'anything')), 'ignores an ExternalId it does not ask for');
  t.match(sdkError(await rejection(() => assume(role(TENANT, 'CloudHealthMonitor', 'ext-1')))), { name: 'AccessDenied' }, 'the default role is not there when roles are configured');

  // The customer rotates the ExternalId in the trust policy: the old one stops working at once.
  sim.configureAccount(TENANT, { roles: { CloudHealthDemo: { externalId: 'ext-rotated' } } });
  t.match(sdkError(await rejection(() => assume(role(TENANT, 'CloudHealthDemo', 'ext-1')))), { name: 'AccessDenied' });
  t.ok(await assume(role(TENANT, 'CloudHealthDemo', 'ext-rotated')));
  t.same(sim.accountConfig(TENANT), { roles: { CloudHealthDemo: { externalId: 'ext-rotated' } } });
  t.equal(sim.accountConfig(OTHER), undefined, 'an unconfigured account follows the default world');

  // A configuration without roles falls back to the default world's pinned role.
  sim.configureAccount(TENANT, { deniedActions: ['ce:GetCostForecast'] });
  t.ok(await assume(role(TENANT, 'CloudHealthMonitor', 'ext-9')));
  t.match(sdkError(await rejection(() => assume(role(TENANT, 'CloudHealthMonitor', 'ext-10')))), { name: 'AccessDenied' });
});

t.test('configurations are validated: a TypeError names the bad field', async (t) => {
  const { sim } = await setup(t);
  const bad: [string, unknown][] = [
    ['12', {}],
    [TENANT, { roles: { 'bad name!': {} } }],
    [TENANT, { roles: { R: { externalId: '' } } }],
    [TENANT, { deniedActions: ['GetCostForecast'] }],
    [TENANT, { disabledRegions: ['mars'] }],
    [TENANT, { costExplorerEnabled: 'no' }],
    [TENANT, { newAcount: true }],
  ];
  for (const [id, config] of bad) t.throws(() => sim.configureAccount(id, config as never), TypeError, JSON.stringify(config));
  t.throws(() => sim.configureAccount(TENANT, { disabledRegions: ['mars'] }), /disabledRegions/);
  t.throws(() => sim.configureAccount(TENANT, { newAcount: true } as never), /newAcount/);
  t.equal(sim.accountConfig(TENANT), undefined, 'nothing half-applied');
  await t.rejects(startSimulator({ accounts: { [TENANT]: { rightsizingOptIn: 1 as never } } }), /rightsizingOptIn/);
});
