import t from 'tap';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GuardDutyClient, ListDetectorsCommand, ListFindingsCommand, GetFindingsCommand } from '@aws-sdk/client-guardduty';
import { startSimulator } from '../../src/sim/index.js';
import { DEMO_SENDER, DEMO_SIM_RETAIN, demoSimOptions } from '../../src/service/demo-seed.js';
import { clientConfig, manualClock } from './fixtures/sim-clients.js';

const PLATFORM = '111122223333';
const ACCOUNT = '123456789012';

t.test('the outbox and the call log keep only the most recent; emails accepted are all counted', async (t) => {
  const sim = await startSimulator({ now: manualClock().now, retain: { emails: 3, calls: 5 } });
  t.teardown(() => sim.close());
  const ses = new SESv2Client(clientConfig(sim, PLATFORM));
  for (let n = 1; n <= 7; n++) {
    await ses.send(new SendEmailCommand({ FromEmailAddress: 'a@example.com', Destination: { ToAddresses: ['b@example.com'] }, Content: { Simple: { Subject: { Data: `mail ${n}` }, Body: { Text: { Data: 'x' } } } } }));
  }
  t.same(sim.outbox().map((m) => m.subject), ['mail 5', 'mail 6', 'mail 7'], 'the three most recent');
  t.equal(sim.emailsAccepted(), 7, 'all seven counted');
  t.ok(sim.calls().length <= 5, `at most 5 calls kept (${sim.calls().length})`);
  t.equal(sim.calls().at(-1)?.operation, 'SendEmail', 'the latest is kept');
});

t.test('retain: 0 keeps no calls and no emails; bad bounds are refused', async (t) => {
  const sim = await startSimulator({ retain: { emails: 0, calls: 0 } });
  t.teardown(() => sim.close());
  const ses = new SESv2Client(clientConfig(sim, PLATFORM));
  await ses.send(new SendEmailCommand({ FromEmailAddress: 'a@example.com', Destination: { ToAddresses: ['b@example.com'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'x' } } } } }));
  t.same(sim.outbox(), []);
  t.same(sim.calls(), []);
  t.equal(sim.emailsAccepted(), 1);
  await t.rejects(startSimulator({ retain: { emails: -1 } }), /retain\.emails/);
  await t.rejects(startSimulator({ retain: { findingsPerAccount: 10 } }), /retain\.findingsPerAccount must be an integer of at least 240/);
});

t.test('an account keeps its most recent findings; GuardDuty lists and gets only those', async (t) => {
  const clock = manualClock();
  const sim = await startSimulator({ now: clock.now, retain: { findingsPerAccount: 240 } });
  t.teardown(() => sim.close());
  const gd = new GuardDutyClient(clientConfig(sim, ACCOUNT));
  const [detectorId] = (await gd.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
  t.ok(detectorId, 'GuardDuty is on in us-east-1');
  const listAll = async () => {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await gd.send(new ListFindingsCommand({ DetectorId: detectorId, MaxResults: 50, NextToken: token }));
      ids.push(...(page.FindingIds ?? []));
      token = page.NextToken;
    } while (token);
    return ids;
  };
  const early = await listAll();
  // Four days of the live stream (one finding every 6 minutes, over all the account's regions).
  clock.advance(4 * 86_400_000);
  const later = await listAll();
  t.ok(later.length <= 240, `at most 240 kept in the region (${later.length})`);
  t.ok(later.length > 0, 'recent ones are listed');
  const gone = early.filter((id) => !later.includes(id));
  t.ok(gone.length > 0, 'the oldest were dropped');
  const got = await gd.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds: [gone[0]!, later.at(-1)!] }));
  t.same(got.Findings?.map((f) => f.Id), [later.at(-1)], 'a dropped finding is not found; a kept one is');
});

t.test("demo mode's simulator is bounded", async (t) => {
  t.same(demoSimOptions(3, DEMO_SENDER).retain, DEMO_SIM_RETAIN);
});
