import t from 'tap';
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient, GetRightsizingRecommendationCommand } from '@aws-sdk/client-cost-explorer';
import { GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { DescribeEventsCommand, HealthClient } from '@aws-sdk/client-health';
import { GetEnabledStandardsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startSimulator, type SimService, type Simulator } from '../../src/sim/index.js';
import { clientConfig, rejection, sdkError } from './fixtures/sim-clients.js';

const ACCOUNT = '123456789012';
const OTHER = '210987654321';

type Call = (sim: Simulator, account: string, options?: { maxAttempts?: number; requestTimeout?: number; abortSignal?: AbortSignal }) => Promise<unknown>;

/** One cheap call per service, through the real SDK client. */
const CALLS: Record<SimService, Call> = {
  sts: (sim, account, o = {}) => new STSClient({ ...clientConfig(sim, account, { maxAttempts: o.maxAttempts ?? 1 }), requestHandler: { requestTimeout: o.requestTimeout ?? 0, throwOnRequestTimeout: true } }).send(new GetCallerIdentityCommand({}), { abortSignal: o.abortSignal }),
  cloudwatch: (sim, account, o = {}) => new CloudWatchClient({ ...clientConfig(sim, account, { maxAttempts: o.maxAttempts ?? 1 }), requestHandler: { requestTimeout: o.requestTimeout ?? 0, throwOnRequestTimeout: true } }).send(new ListMetricsCommand({}), { abortSignal: o.abortSignal }),
  ce: (sim, account, o = {}) => new CostExplorerClient({ ...clientConfig(sim, account, { maxAttempts: o.maxAttempts ?? 1 }), requestHandler: { requestTimeout: o.requestTimeout ?? 0, throwOnRequestTimeout: true } }).send(new GetRightsizingRecommendationCommand({ Service: 'AmazonEC2' }), { abortSignal: o.abortSignal }),
  guardduty: (sim, account, o = {}) => new GuardDutyClient({ ...clientConfig(sim, account, { maxAttempts: o.maxAttempts ?? 1 }), requestHandler: { requestTimeout: o.requestTimeout ?? 0, throwOnRequestTimeout: true } }).send(new ListDetectorsCommand({}), { abortSignal: o.abortSignal }),
  health: (sim, account, o = {}) => new HealthClient({ ...clientConfig(sim, account, { maxAttempts: o.maxAttempts ?? 1 }), requestHandler: { requestTimeout: o.requestTimeout ?? 0, throwOnRequestTimeout: true } }).send(new DescribeEventsCommand({}), { abortSignal: o.abortSignal }),
  securityhub: (sim, account, o = {}) => new SecurityHubClient({ ...clientConfig(sim, account, { maxAttempts: o.maxAttempts ?? 1 }), requestHandler: { requestTimeout: o.requestTimeout ?? 0, throwOnRequestTimeout: true } }).send(new GetEnabledStandardsCommand({}), { abortSignal: o.abortSignal }),
  ses: (sim, account, o = {}) =>
    new SESv2Client({ ...clientConfig(sim, account, { maxAttempts: o.maxAttempts ?? 1 }), requestHandler: { requestTimeout: o.requestTimeout ?? 0, throwOnRequestTimeout: true } }).send(
      new SendEmailCommand({ FromEmailAddress: 'a@alerts.example.com', Destination: { ToAddresses: ['c@d.example'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } }),
      { abortSignal: o.abortSignal },
    ),
};

/** What the SDK reports for each fault, per service: [name, HTTP status]. */
const EXPECTED: Record<SimService, Record<'throttle' | 'internal' | 'unavailable' | 'reject', [string, number]>> = {
  sts: { throttle: ['Throttling', 400], internal: ['InternalFailure', 500], unavailable: ['ServiceUnavailable', 503], reject: ['InvalidClientTokenId', 403] },
  cloudwatch: { throttle: ['Throttling', 400], internal: ['InternalServiceFault', 500], unavailable: ['ServiceUnavailable', 503], reject: ['InvalidClientTokenId', 403] },
  ce: { throttle: ['LimitExceededException', 400], internal: ['InternalFailure', 500], unavailable: ['ServiceUnavailableException', 503], reject: ['UnrecognizedClientException', 400] },
  guardduty: { throttle: ['TooManyRequestsException', 429], internal: ['InternalServerErrorException', 500], unavailable: ['ServiceUnavailableException', 503], reject: ['UnrecognizedClientException', 403] },
  health: { throttle: ['ThrottlingException', 400], internal: ['InternalFailure', 500], unavailable: ['ServiceUnavailableException', 503], reject: ['UnrecognizedClientException', 400] },
  securityhub: { throttle: ['LimitExceededException', 429], internal: ['InternalException', 500], unavailable: ['ServiceUnavailableException', 503], reject: ['UnrecognizedClientException', 403] },
  ses: { throttle: ['TooManyRequestsException', 429], internal: ['InternalServiceErrorException', 500], unavailable: ['ServiceUnavailableException', 503], reject: ['UnrecognizedClientException', 403] },
};

const SERVICES = Object.keys(CALLS) as SimService[];

/** Wait (polling) until `condition` holds; fails after 10 s. */
async function until(condition: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !condition(); ) {
    if (Date.now() > deadline) throw new Error('condition not met in 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

t.test('each fault is the error each service really sends, as the SDK sees it', async (t) => {
  const sim = await startSimulator({ seed: 3 });
  t.teardown(() => sim.close());
  for (const service of SERVICES) {
    const expected = EXPECTED[service];
    sim.setFaults([{ account: ACCOUNT, service, throttleRate: 1 }]);
    t.match(sdkError(await rejection(() => CALLS[service](sim, ACCOUNT))), { name: expected.throttle[0], status: expected.throttle[1], fault: 'client' }, `${service} throttled`);
    t.ok(await CALLS[service](sim, OTHER), `${service}: another account is not throttled`);

    sim.setFaults([{ account: ACCOUNT, service, rejectCredentials: true }]);
    t.match(sdkError(await rejection(() => CALLS[service](sim, ACCOUNT))), { name: expected.reject[0], status: expected.reject[1] }, `${service} refuses the credentials`);

    sim.setFaults([{ account: ACCOUNT, service, errorRate: 1 }]);
    const seen = new Map<number, string>();
    for (let i = 0; i < 30 && seen.size < 2; i++) {
      const e = sdkError(await rejection(() => CALLS[service](sim, ACCOUNT)));
      t.equal(e.fault, 'server');
      seen.set(e.status ?? 0, e.name);
    }
    t.same(Object.fromEntries(seen), { [expected.internal[1]]: expected.internal[0], [expected.unavailable[1]]: expected.unavailable[0] }, `${service} 500 and 503`);
  }
  const failed = sim.calls({ account: ACCOUNT }).filter((c) => c.status >= 400);
  t.ok(failed.length >= SERVICES.length * 4 && failed.every((c) => c.billableUnits === 0 && c.errorCode), 'failures are recorded with their code, unbilled');
});

t.test('rejected credentials: AssumeRole into the account is AccessDenied; refused platform keys are InvalidClientTokenId', async (t) => {
  const sim = await startSimulator({ faults: [{ account: ACCOUNT, rejectCredentials: true }] });
  t.teardown(() => sim.close());
  const sts = new STSClient(clientConfig(sim, '111122223333', { maxAttempts: 1 }));
  const role = (account: string) => ({ RoleArn: `arn:aws:iam::${account}:role/CloudHealthMonitor`, RoleSessionName: 'sim', ExternalId: 'ext-1' });
  const denied = sdkError(await rejection(() => sts.send(new AssumeRoleCommand(role(ACCOUNT)))));
  t.match(denied, { name: 'AccessDenied', status: 403, fault: 'client' });
  t.ok(await sts.send(new AssumeRoleCommand(role(OTHER))), 'other accounts can be assumed');
  sim.setFaults([{ account: '111122223333', service: 'sts', rejectCredentials: true }]);
  const platform = sdkError(await rejection(() => sts.send(new AssumeRoleCommand(role(OTHER)))));
  t.match(platform, { name: 'InvalidClientTokenId', status: 403 });
});

t.test('latency: fixed or a range; faults can target one operation', async (t) => {
  const sim = await startSimulator({ faults: [{ service: 'cloudwatch', operation: 'ListMetrics', latencyMs: 1000 }] });
  t.teardown(() => sim.close());
  let started = Date.now();
  let delayedDone = false;
  const delayed = CALLS.cloudwatch(sim, ACCOUNT).then(() => (delayedDone = true));
  await CALLS.sts(sim, ACCOUNT);
  t.notOk(delayedDone, 'another operation answered while ListMetrics was still delayed');
  await delayed;
  t.ok(Date.now() - started >= 990, 'ListMetrics waited');
  sim.setFaults([{ service: 'guardduty', latencyMs: { min: 100, max: 150 } }]);
  started = Date.now();
  await CALLS.guardduty(sim, ACCOUNT);
  const took = Date.now() - started;
  t.ok(took >= 95 && took < 5000, `at least the minimum (${took} ms)`);
  sim.setFaults([{ service: 'cloudwatch', operation: 'GetMetricData', throttleRate: 1 }]);
  const cw = new CloudWatchClient(clientConfig(sim, ACCOUNT, { maxAttempts: 1 }));
  t.ok(await cw.send(new ListMetricsCommand({})), 'ListMetrics passes');
  const gmd = sdkError(await rejection(() => cw.send(new GetMetricDataCommand({ StartTime: new Date(Date.now() - 3600_000), EndTime: new Date(), MetricDataQueries: [{ Id: 'a', Expression: 'SUM(METRICS())' }] }))));
  t.equal(gmd.name, 'Throttling', 'GetMetricData is throttled');
});

t.test('timeouts hold the response until the client gives up; close() still returns at once', async (t) => {
  const sim = await startSimulator({ faults: [{ account: ACCOUNT, service: 'cloudwatch', timeoutRate: 1 }] });
  const timedOut = sdkError(await rejection(() => CALLS.cloudwatch(sim, ACCOUNT, { requestTimeout: 300 })));
  t.equal(timedOut.name, 'TimeoutError', 'the SDK request timeout fired');
  const controller = new AbortController();
  const aborted = rejection(() => CALLS.cloudwatch(sim, ACCOUNT, { abortSignal: controller.signal }));
  // Abort once the simulator holds the call (a loaded machine may take a while to send it).
  await until(() => sim.calls({ account: ACCOUNT }).length === 2);
  controller.abort();
  t.equal(sdkError(await aborted).name, 'AbortError');
  t.match(sim.calls({ account: ACCOUNT, service: 'cloudwatch' }), [{ status: 0, errorCode: 'Timeout' }, { status: 0, errorCode: 'Timeout' }]);
  const pending = CALLS.cloudwatch(sim, ACCOUNT).catch((error: unknown) => error);
  await until(() => sim.calls({ account: ACCOUNT }).length === 3);
  const started = Date.now();
  await sim.close();
  t.ok(Date.now() - started < 3000, 'close() does not wait for held responses (held for 5 min otherwise)');
  t.ok(await pending, 'the held call failed when the simulator closed');
  t.equal(sim.close(), sim.close(), 'close() is idempotent');
});

t.test('fault decisions repeat for the same seed; the SDK retries throttling', async (t) => {
  const statuses = async (seed: number) => {
    const sim = await startSimulator({ seed, faults: [{ service: 'sts', throttleRate: 0.5 }] });
    const out: string[] = [];
    for (let i = 0; i < 16; i++) out.push(await CALLS.sts(sim, ACCOUNT).then(() => 'ok', (e: unknown) => sdkError(e).name));
    await sim.close();
    return out;
  };
  const first = await statuses(5);
  t.same(await statuses(5), first, 'same seed, same faults');
  t.ok(first.includes('ok') && first.includes('Throttling'), first.join(','));

  const sim = await startSimulator({ faults: [{ account: ACCOUNT, service: 'cloudwatch', throttleRate: 1 }] });
  t.teardown(() => sim.close());
  t.equal(sdkError(await rejection(() => CALLS.cloudwatch(sim, ACCOUNT, { maxAttempts: 3 }))).name, 'Throttling');
  t.equal(sim.calls({ account: ACCOUNT, operation: 'ListMetrics' }).length, 3, 'three attempts reached the simulator');
});

t.test('faults are replaced, added and cleared at run time; bad ones are refused', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  sim.addFault({ service: 'ce', throttleRate: 1 });
  sim.addFault({ account: ACCOUNT, service: 'guardduty', errorRate: 1 });
  t.equal(sdkError(await rejection(() => CALLS.ce(sim, ACCOUNT))).name, 'LimitExceededException');
  t.equal(sdkError(await rejection(() => CALLS.guardduty(sim, ACCOUNT))).fault, 'server');
  sim.setFaults([{ service: 'ce', errorRate: 1 }]);
  t.ok(await CALLS.guardduty(sim, ACCOUNT), 'setFaults replaced the set');
  sim.clearFaults();
  t.ok(await CALLS.ce(sim, ACCOUNT), 'cleared');
  t.throws(() => sim.addFault({ throttleRate: 2 }), TypeError);
  t.throws(() => sim.setFaults([{ service: 'ec2' as SimService }]), TypeError);
  t.throws(() => sim.addFault({ latencyMs: { min: 5, max: 1 } }), TypeError);
});
