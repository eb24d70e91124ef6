/** The demo world's simulated conditions: which demo account fails how, through the real simulator. */
import t from 'tap';
import { CostExplorerClient, GetCostAndUsageCommand, GetRightsizingRecommendationCommand } from '@aws-sdk/client-cost-explorer';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DEMO_SENDER, demoAwsAccountId, demoSimOptions } from '../../src/service/demo-seed.js';
import { accessKeyIdForAccount, startSimulator } from '../../src/sim/index.js';

const settings = (endpoint: string, account: string, region = 'us-east-1') => ({ endpoint, region, maxAttempts: 1, credentials: { accessKeyId: accessKeyIdForAccount(account), secretAccessKey: 'x' } });
const name = (error: unknown) => (error instanceof Error ? error.name : 'no error');

t.test('demo conditions: a missing permission, a role that trusts another ExternalId, a disabled region; the demo sender is verified', async (t) => {
  const options = demoSimOptions(3, DEMO_SENDER);
  t.same(Object.keys(options.accounts ?? {}).sort(), [demoAwsAccountId(1, 0), demoAwsAccountId(1, 1), demoAwsAccountId(2, 0)]);
  t.same(Object.keys(demoSimOptions(1, DEMO_SENDER).accounts ?? {}), [], 'a single demo tenant stays healthy');
  const sim = await startSimulator(options);
  t.teardown(() => sim.close());

  const globexProd = demoAwsAccountId(1, 0);
  const ce = new CostExplorerClient(settings(sim.endpoint, globexProd));
  t.equal(name(await ce.send(new GetRightsizingRecommendationCommand({ Service: 'AmazonEC2' })).catch((e: unknown) => e)), 'AccessDeniedException');
  t.ok(await ce.send(new GetCostAndUsageCommand({ TimePeriod: { Start: '2026-11-01', End: '2026-11-30' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'] })));

  const sts = new STSClient(settings(sim.endpoint, '000000000000'));
  const staging = `arn:aws:iam::${demoAwsAccountId(1, 1)}:role/CloudHealthMonitor`;
  t.equal(name(await sts.send(new AssumeRoleCommand({ RoleArn: staging, RoleSessionName: 'session', ExternalId: 'the-tenants-own-id' })).catch((e: unknown) => e)), 'AccessDenied');

  const initech = demoAwsAccountId(2, 0);
  t.equal(name(await new CloudWatchClient(settings(sim.endpoint, initech, 'ap-east-1')).send(new DescribeAlarmsCommand({})).catch((e: unknown) => e)), 'InvalidClientTokenId');

  const ses = new SESv2Client(settings(sim.endpoint, '000000000000'));
  t.ok(await ses.send(new SendEmailCommand({ FromEmailAddress: DEMO_SENDER, Destination: { ToAddresses: ['new.user@anywhere.test'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } })));
});
