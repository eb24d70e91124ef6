import t from 'tap';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { startSimulator } from '../../src/sim/index.js';
import { T0, clientConfig, manualClock, rejection, sdkError } from './fixtures/sim-clients.js';

const PLATFORM = '111122223333';

t.test('SendEmail captures html and text into the outbox, readable over HTTP too', async (t) => {
  const sim = await startSimulator({ now: manualClock().now, control: {}, ses: { verifiedIdentities: ['cloudhealth.example'] } });
  t.teardown(() => sim.close());
  const ses = new SESv2Client(clientConfig(sim, PLATFORM, { region: 'eu-west-1' }));
  const out = await ses.send(
    new SendEmailCommand({
      FromEmailAddress: 'alerts@cloudhealth.example',
      Destination: { ToAddresses: ['ops@tenant.example'], CcAddresses: ['cc@tenant.example'] },
      Content: { Simple: { Subject: { Data: 'Critical finding' }, Body: { Html: { Data: '<p>&lt;script&gt;</p>' }, Text: { Data: '<script>' } } } },
    }),
  );
  t.match(out.MessageId, /^0100[0-9a-f]+-.*-000000$/);
  const [mail] = sim.outbox();
  t.same(mail, {
    messageId: out.MessageId,
    account: PLATFORM,
    region: 'eu-west-1',
    from: 'alerts@cloudhealth.example',
    to: ['ops@tenant.example'],
    cc: ['cc@tenant.example'],
    bcc: [],
    subject: 'Critical finding',
    html: '<p>&lt;script&gt;</p>',
    text: '<script>',
    time: new Date(T0).toISOString(),
  });
  const overHttp = (await (await fetch(`${sim.endpoint}/_sim/outbox`)).json()) as unknown[];
  t.same(overHttp, sim.outbox());
  sim.outbox()[0]!.to.push('tamper@x.example');
  t.same(sim.outbox()[0]?.to, ['ops@tenant.example'], 'callers get copies');
});

t.test('inline templates and raw messages are captured too', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const ses = new SESv2Client(clientConfig(sim, PLATFORM));
  await ses.send(
    new SendEmailCommand({
      FromEmailAddress: 'a@b.example.com',
      Destination: { ToAddresses: ['x@y.example'] },
      Content: { Template: { TemplateContent: { Subject: 'Hello {{name}}', Text: 'Hi {{name}}', Html: '<b>{{name}}</b>' }, TemplateData: '{"name":"Ada"}' } },
    }),
  );
  const raw = 'From: r@b.example.com\r\nTo: one@y.example, two@y.example\r\nSubject: Raw one\r\n\r\nBody text';
  await ses.send(new SendEmailCommand({ Content: { Raw: { Data: new TextEncoder().encode(raw) } } }));
  const [templated, rawMail] = sim.outbox();
  t.match(templated, { subject: 'Hello Ada', text: 'Hi Ada', html: '<b>Ada</b>' });
  t.match(rawMail, { from: 'r@b.example.com', to: ['one@y.example', 'two@y.example'], subject: 'Raw one', text: 'Body text' });
});

t.test('bad requests and throttling are SESv2 errors; nothing is captured', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const ses = new SESv2Client(clientConfig(sim, PLATFORM, { maxAttempts: 1 }));
  const noDestination = sdkError(await rejection(() => ses.send(new SendEmailCommand({ FromEmailAddress: 'a@b.example.com', Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } }))));
  t.match(noDestination, { name: 'BadRequestException', status: 400 });
  sim.addFault({ service: 'ses', throttleRate: 1 });
  const throttled = sdkError(await rejection(() => ses.send(new SendEmailCommand({ FromEmailAddress: 'a@b.example.com', Destination: { ToAddresses: ['x@y.example'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } }))));
  t.match(throttled, { name: 'TooManyRequestsException', status: 429 });
  t.same(sim.outbox(), []);
});

const simple = (from: string, to: string[]) =>
  new SendEmailCommand({ FromEmailAddress: from, Destination: { ToAddresses: to }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } });

t.test('default world: example.com senders (and its subdomains) are verified, others are MessageRejected; any recipient', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const ses = new SESv2Client(clientConfig(sim, PLATFORM, { maxAttempts: 1 }));
  await ses.send(simple('Cloud Health <noreply@example.com>', ['anyone@elsewhere.example']));
  await ses.send(simple('alerts@mail.example.com', ['someone@tenant.test']));
  const refused = await rejection(() => ses.send(simple('Cloud Health <noreply@cloud-health.invalid>', ['x@y.example'])));
  t.match(sdkError(refused), { name: 'MessageRejected', status: 400, fault: 'client' });
  t.match((refused as Error).message, /^Email address is not verified\. The following identities failed the check in region US-EAST-1: noreply@cloud-health\.invalid$/);
  const lookalike = sdkError(await rejection(() => ses.send(simple('a@notexample.com', ['x@y.example']))));
  t.equal(lookalike.name, 'MessageRejected', 'a domain covers its subdomains, not every name ending in it');
  t.same(sim.outbox().map((m) => m.from), ['Cloud Health <noreply@example.com>', 'alerts@mail.example.com'], 'only the verified senders were sent');
  t.same(sim.calls({ service: 'ses' }).map((c) => c.errorCode ?? c.status), [200, 200, 'MessageRejected', 'MessageRejected']);
});

t.test('sandbox: a recipient that is not a verified identity is refused too', async (t) => {
  const sim = await startSimulator({ ses: { sandbox: true, verifiedIdentities: ['alerts@cloudhealth.example', 'Team.Example'] } });
  t.teardown(() => sim.close());
  const ses = new SESv2Client(clientConfig(sim, PLATFORM, { region: 'eu-west-1', maxAttempts: 1 }));
  await ses.send(simple('alerts@cloudhealth.example', ['ops@team.example', 'Lead <LEAD@TEAM.EXAMPLE>']));
  const refused = await rejection(() => ses.send(simple('alerts@cloudhealth.example', ['ops@team.example', 'stranger@elsewhere.example'])));
  t.match(sdkError(refused), { name: 'MessageRejected', status: 400 });
  t.match((refused as Error).message, /region EU-WEST-1: stranger@elsewhere\.example$/, 'names the unverified recipient only');
  const otherSender = await rejection(() => ses.send(simple('other@cloudhealth.example', ['ops@team.example'])));
  t.match((otherSender as Error).message, /: other@cloudhealth\.example$/, 'a verified address does not verify its domain');
  t.equal(sim.outbox().length, 1);
  await t.rejects(startSimulator({ ses: { verifiedIdentities: ['not an identity'] } }), TypeError);
});
