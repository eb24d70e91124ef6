/**
 * An account's own setup refuses calls the way AWS does, each through the real SDK client: denied
 * actions per service, a disabled opt-in region, Cost Explorer not enabled, rightsizing not opted
 * in, a new account without forecast data, GuardDuty without a detector.
 */
import t from 'tap';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient, GetAnomaliesCommand, GetCostAndUsageCommand, GetCostForecastCommand, GetRightsizingRecommendationCommand } from '@aws-sdk/client-cost-explorer';
import { GuardDutyClient, ListDetectorsCommand, ListFindingsCommand } from '@aws-sdk/client-guardduty';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startSimulator } from '../../src/sim/index.js';
import { T0, clientConfig, manualClock, rejection, sdkError } from './fixtures/sim-clients.js';

const ACCOUNT = '123456789012';
const PLATFORM = '111122223333';
const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const TODAY = Math.floor(T0 / DAY) * DAY;

const metricData = () =>
  new GetMetricDataCommand({
    StartTime: new Date(T0 - 3_600_000),
    EndTime: new Date(T0),
    MetricDataQueries: [{ Id: 'cpu', MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' }, Period: 300, Stat: 'Average' } }],
  });
const costs = (days = 30) => new GetCostAndUsageCommand({ TimePeriod: { Start: day(TODAY - days * DAY), End: day(TODAY) }, Granularity: 'DAILY', Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }] });
const forecast = () => new GetCostForecastCommand({ TimePeriod: { Start: day(TODAY), End: day(TODAY + 14 * DAY) }, Metric: 'UNBLENDED_COST', Granularity: 'DAILY' });
const rightsizing = () => new GetRightsizingRecommendationCommand({ Service: 'AmazonEC2' });
const mail = () => new SendEmailCommand({ FromEmailAddress: 'alerts@example.com', Destination: { ToAddresses: ['x@y.example'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } });

t.test('a denied action answers each service\'s own access-denied error; the other actions keep working', async (t) => {
  const sim = await startSimulator({
    now: manualClock().now,
    accounts: { [ACCOUNT]: { deniedActions: ['cloudwatch:GetMetricData', 'ce:GetRightsizingRecommendation', 'guardduty:List*', 'ses:SendEmail', 'sts:*'] } },
  });
  t.teardown(() => sim.close());
  const cw = new CloudWatchClient(clientConfig(sim, ACCOUNT, { maxAttempts: 1 }));
  const ce = new CostExplorerClient(clientConfig(sim, ACCOUNT, { maxAttempts: 1 }));
  const gd = new GuardDutyClient(clientConfig(sim, ACCOUNT, { maxAttempts: 1 }));
  const ses = new SESv2Client(clientConfig(sim, ACCOUNT, { maxAttempts: 1 }));
  const sts = new STSClient(clientConfig(sim, ACCOUNT, { maxAttempts: 1 }));

  const gmd = await rejection(() => cw.send(metricData()));
  t.match(sdkError(gmd), { name: 'AccessDenied', status: 403, fault: 'client' }, 'CloudWatch: the query-compatible code AccessDenied');
  t.equal((gmd as Error).message, `User: arn:aws:iam::${ACCOUNT}:user/simulated-user is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action`);
  t.ok(await cw.send(new DescribeAlarmsCommand({})), 'cloudwatch:DescribeAlarms still works');

  t.match(sdkError(await rejection(() => ce.send(rightsizing()))), { name: 'AccessDeniedException', status: 400, fault: 'client' }, 'Cost Explorer');
  t.ok((await ce.send(costs())).ResultsByTime?.length, 'ce:GetCostAndUsage still works');
  t.ok(await ce.send(forecast()), 'ce:GetCostForecast still works');

  t.match(sdkError(await rejection(() => gd.send(new ListDetectorsCommand({})))), { name: 'AccessDeniedException', status: 403 }, 'GuardDuty (a wildcard action)');
  t.match(sdkError(await rejection(() => gd.send(new ListFindingsCommand({ DetectorId: 'd' })))), { name: 'AccessDeniedException', status: 403 });

  t.match(sdkError(await rejection(() => ses.send(mail()))), { name: 'AccessDeniedException', status: 403 }, 'SESv2');
  t.equal(sim.outbox().length, 0);

  t.match(sdkError(await rejection(() => sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PLATFORM}:role/CloudHealthMonitor`, RoleSessionName: 's', ExternalId: 'e' })))), { name: 'AccessDenied', status: 403 }, 'the account\'s identities may not assume roles');
  t.equal((await sts.send(new GetCallerIdentityCommand({}))).Account, ACCOUNT, 'GetCallerIdentity needs no permission, even under a deny');

  t.equal(sim.billable(ACCOUNT).costExplorerRequests, 2, 'refused calls are not billed');
  t.ok(await new CloudWatchClient(clientConfig(sim, '999988887777')).send(metricData()), 'other accounts are unaffected');
});

t.test('an assumed-role session is named in the message; the deny applies to the role\'s account', async (t) => {
  const sim = await startSimulator({ accounts: { [ACCOUNT]: { deniedActions: ['ce:GetRightsizingRecommendation'] } } });
  t.teardown(() => sim.close());
  const out = await new STSClient(clientConfig(sim, PLATFORM)).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/CloudHealthMonitor`, RoleSessionName: 'cloud-health', ExternalId: 'ext' }));
  const c = out.Credentials!;
  const ce = new CostExplorerClient({ ...clientConfig(sim, PLATFORM, { maxAttempts: 1 }), credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
  const denied = await rejection(() => ce.send(rightsizing()));
  t.match((denied as Error).message, new RegExp(`^User: arn:aws:sts::${ACCOUNT}:assumed-role/CloudHealthMonitor/cloud-health is not authorized to perform: ce:GetRightsizingRecommendation`));
  t.match(sim.calls({ account: ACCOUNT, operation: 'GetRightsizingRecommendation' }), [{ status: 400, errorCode: 'AccessDeniedException', billableUnits: 0 }]);
});

t.test('a disabled opt-in region refuses the credentials there; STS and the other regions keep working', async (t) => {
  const sim = await startSimulator({ accounts: { [ACCOUNT]: { disabledRegions: ['ap-east-1'] } } });
  t.teardown(() => sim.close());
  const inRegion = (region: string) => ({ cw: new CloudWatchClient(clientConfig(sim, ACCOUNT, { region, maxAttempts: 1 })), gd: new GuardDutyClient(clientConfig(sim, ACCOUNT, { region, maxAttempts: 1 })) });
  const hk = inRegion('ap-east-1');
  t.match(sdkError(await rejection(() => hk.cw.send(new DescribeAlarmsCommand({})))), { name: 'InvalidClientTokenId', status: 403, fault: 'client' }, 'CloudWatch');
  t.match(sdkError(await rejection(() => hk.gd.send(new ListDetectorsCommand({})))), { name: 'UnrecognizedClientException', status: 403 }, 'GuardDuty');
  const sts = new STSClient(clientConfig(sim, ACCOUNT, { region: 'ap-east-1' }));
  t.equal((await sts.send(new GetCallerIdentityCommand({}))).Account, ACCOUNT, 'STS answers');
  const useast = inRegion('us-east-1');
  t.ok(await useast.cw.send(new DescribeAlarmsCommand({})));
  t.ok(await useast.gd.send(new ListDetectorsCommand({})));
  sim.setFaults([{ account: ACCOUNT, throttleRate: 1 }]);
  t.match(sdkError(await rejection(() => hk.cw.send(new DescribeAlarmsCommand({})))), { name: 'InvalidClientTokenId' }, 'authentication comes before throttling');
  t.match(sdkError(await rejection(() => useast.cw.send(new DescribeAlarmsCommand({})))), { name: 'Throttling' });
});

t.test('Cost Explorer not enabled: every ce call is AccessDeniedException; enabling it takes effect at once', async (t) => {
  const sim = await startSimulator({ now: manualClock().now, accounts: { [ACCOUNT]: { costExplorerEnabled: false } } });
  t.teardown(() => sim.close());
  const ce = new CostExplorerClient(clientConfig(sim, ACCOUNT, { maxAttempts: 1 }));
  for (const command of [costs(), forecast(), rightsizing(), new GetAnomaliesCommand({ DateInterval: { StartDate: day(TODAY - 30 * DAY) } })]) {
    const error = await rejection(() => ce.send(command as never));
    t.match(sdkError(error), { name: 'AccessDeniedException', status: 400 }, command.constructor.name);
    t.equal((error as Error).message, 'User not enabled for cost explorer access');
  }
  t.equal(sim.billable(ACCOUNT).costExplorerRequests, 0);
  sim.configureAccount(ACCOUNT, {});
  t.ok(await ce.send(costs()));
});

t.test('rightsizing not opted in: only GetRightsizingRecommendation is refused', async (t) => {
  const sim = await startSimulator({ now: manualClock().now, accounts: { [ACCOUNT]: { rightsizingOptIn: false } } });
  t.teardown(() => sim.close());
  const ce = new CostExplorerClient(clientConfig(sim, ACCOUNT, { maxAttempts: 1 }));
  const error = await rejection(() => ce.send(rightsizing()));
  t.match(sdkError(error), { name: 'AccessDeniedException', status: 400 });
  t.match((error as Error).message, /^Rightsizing EC2 recommendation is an opt-in only feature/);
  t.ok(await ce.send(costs()));
  t.ok(await ce.send(forecast()));
});

t.test('a new account: no forecast (DataUnavailableException), costs and anomalies only from its first day', async (t) => {
  const clock = manualClock();
  const sim = await startSimulator({ now: clock.now, accounts: { [ACCOUNT]: { newAccount: true } } });
  t.teardown(() => sim.close());
  const ce = new CostExplorerClient(clientConfig(sim, ACCOUNT, { maxAttempts: 1 }));
  t.match(sdkError(await rejection(() => ce.send(forecast()))), { name: 'DataUnavailableException', status: 400, fault: 'client' });
  const out = await ce.send(costs(10));
  const days = out.ResultsByTime ?? [];
  t.equal(days.length, 10, 'every day of the range is there');
  t.same(days.slice(0, 7).map((r) => r.Groups), Array(7).fill([]), 'no cost before the account was opened (3 days ago)');
  t.ok(days.slice(7).every((r) => (r.Groups?.length ?? 0) > 0), 'cost from its first day on');
  const anomalies = await ce.send(new GetAnomaliesCommand({ DateInterval: { StartDate: day(TODAY - 180 * DAY) }, MaxResults: 100 }));
  t.ok((anomalies.Anomalies ?? []).every((a) => a.AnomalyStartDate! >= day(TODAY - 3 * DAY)), 'no anomaly before the account existed');
  t.equal(sim.billable(ACCOUNT).costExplorerRequests, 2, 'the refused forecast is not billed');
  clock.advance(5 * DAY);
  sim.configureAccount(ACCOUNT, { newAccount: true });
  const later = await ce.send(costs(10));
  t.equal(later.ResultsByTime?.findIndex((r) => (r.Groups?.length ?? 0) > 0), 7, 'reconfiguring keeps the opening day');
  sim.configureAccount(ACCOUNT, {});
  const forecastNow = new GetCostForecastCommand({ TimePeriod: { Start: day(clock.now()), End: day(clock.now() + 14 * DAY) }, Metric: 'UNBLENDED_COST', Granularity: 'DAILY' });
  t.ok(await ce.send(forecastNow), 'an account with history forecasts');
});

t.test('guardDutyDisabledRegions: no detector there, a detector everywhere else', async (t) => {
  const sim = await startSimulator({ accounts: { [ACCOUNT]: { guardDutyDisabledRegions: ['us-east-1'] } } });
  t.teardown(() => sim.close());
  const detectors = async (account: string, region: string) => (await new GuardDutyClient(clientConfig(sim, account, { region })).send(new ListDetectorsCommand({}))).DetectorIds ?? [];
  t.same(await detectors(ACCOUNT, 'us-east-1'), [], 'disabled where configured');
  const elsewhere = await detectors(ACCOUNT, 'sa-east-1');
  t.equal(elsewhere.length, 1, 'enabled in a region the generated world left without one');
  const gd = new GuardDutyClient(clientConfig(sim, ACCOUNT, { region: 'sa-east-1' }));
  t.same((await gd.send(new ListFindingsCommand({ DetectorId: elsewhere[0]! }))).FindingIds, [], 'a detector with no findings yet');
  t.same(await detectors('999988887777', 'sa-east-1'), [], 'unconfigured accounts keep the generated choice');
});
