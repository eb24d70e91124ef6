import t from 'tap';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { startSimulator } from '../../src/sim/index.js';
import { T0, clientConfig, manualClock, rejection, sdkError } from './fixtures/sim-clients.js';

const PLATFORM = '111122223333';

t.test('SendEmail captures html and text into the outbox, readable over HTTP too', async (t) => {
  const sim = await startSimulator({ now: manualClock().now });
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
      FromEmailAddress: 'a@b.example',
      Destination: { ToAddresses: ['x@y.example'] },
      Content: { Template: { TemplateContent: { Subject: 'Hello {{name}}', Text: 'Hi {{name}}', Html: '<b>{{name}}</b>' }, TemplateData: '{"name":"Ada"}' } },
    }),
  );
  const raw = 'From: r@b.example\r\nTo: one@y.example, two@y.example\r\nSubject: Raw one\r\n\r\nBody text';
  await ses.send(new SendEmailCommand({ Content: { Raw: { Data: new TextEncoder().encode(raw) } } }));
  const [templated, rawMail] = sim.outbox();
  t.match(templated, { subject: 'Hello Ada', text: 'Hi Ada', html: '<b>Ada</b>' });
  t.match(rawMail, { from: 'r@b.example', to: ['one@y.example', 'two@y.example'], subject: 'Raw one', text: 'Body text' });
});

t.test('bad requests and throttling are SESv2 errors; nothing is captured', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const ses = new SESv2Client(clientConfig(sim, PLATFORM, { maxAttempts: 1 }));
  const noDestination = sdkError(await rejection(() => ses.send(new SendEmailCommand({ FromEmailAddress: 'a@b.example', Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } }))));
  t.match(noDestination, { name: 'BadRequestException', status: 400 });
  sim.addFault({ service: 'ses', throttleRate: 1 });
  const throttled = sdkError(await rejection(() => ses.send(new SendEmailCommand({ FromEmailAddress: 'a@b.example', Destination: { ToAddresses: ['x@y.example'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } }))));
  t.match(throttled, { name: 'TooManyRequestsException', status: 429 });
  t.same(sim.outbox(), []);
});
