/** The platform's email through SESv2 against the simulator. */
import t from 'tap';
import { isAbortError } from '../../src/domain/errors.js';
import { createMailSender } from '../../src/aws/index.js';
import { startSimulator } from '../../src/sim/index.js';
import { expectFailure } from './expect-failure.js';
import { PLATFORM_CREDENTIALS } from './sim-world.js';

t.test('sends html and text; the simulator captures it', async (t) => {
  const sim = await startSimulator({ seed: 1, ses: { verifiedIdentities: ['cloudhealth.example'] } });
  const mail = createMailSender({ region: 'eu-west-1', endpoint: sim.endpoint, from: 'alerts@cloudhealth.example', credentials: PLATFORM_CREDENTIALS });
  t.teardown(async () => {
    mail.close();
    mail.close();
    await sim.close();
  });
  const { messageId } = await mail.send(
    { to: 'ops@tenant.example', subject: 'Critical finding', html: '<p>SSH &lt;brute&gt; force</p>', text: 'SSH <brute> force' },
    new AbortController().signal,
  );
  t.ok(messageId);
  const [sent] = sim.outbox();
  t.equal(sent?.messageId, messageId);
  t.same(sent?.to, ['ops@tenant.example']);
  t.equal(sent?.from, 'alerts@cloudhealth.example');
  t.equal(sent?.subject, 'Critical finding');
  t.equal(sent?.html, '<p>SSH &lt;brute&gt; force</p>');
  t.equal(sent?.text, 'SSH <brute> force');
  t.equal(sent?.region, 'eu-west-1');
});

t.test('throttled sends surface as "throttled"; an abort as an abort', async (t) => {
  const sim = await startSimulator({ seed: 1, faults: [{ service: 'ses', throttleRate: 1 }] });
  const mail = createMailSender({ region: 'eu-west-1', endpoint: sim.endpoint, from: 'a@b.example', credentials: PLATFORM_CREDENTIALS, maxAttempts: 2 });
  t.teardown(async () => {
    mail.close();
    await sim.close();
  });
  const message = { to: 'x@y.example', subject: 's', html: '<p>h</p>', text: 't' };
  await expectFailure(t, mail.send(message, new AbortController().signal), { kind: 'throttled', service: 'ses' });
  t.equal(sim.outbox().length, 0);

  sim.setFaults([{ service: 'ses', latencyMs: 10_000 }]);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const started = Date.now();
  const error = await mail.send(message, controller.signal).catch((e: unknown) => e);
  t.ok(isAbortError(error));
  t.ok(Date.now() - started < 5_000, 'well before the 10 s latency');
});

t.test('one attempt per send: a send that timed out is not repeated by the SDK (SES may have accepted it)', async (t) => {
  // SES gets the call and never answers: the client's request timeout ends it.
  const sim = await startSimulator({ seed: 1, faults: [{ service: 'ses', timeoutRate: 1 }] });
  const mail = createMailSender({ region: 'eu-west-1', endpoint: sim.endpoint, from: 'alerts@cloudhealth.example', credentials: PLATFORM_CREDENTIALS, requestTimeoutMs: 200 });
  t.teardown(async () => {
    mail.close();
    await sim.close();
  });
  const error = await mail.send({ to: 'x@y.example', subject: 's', html: '<p>h</p>', text: 't' }, new AbortController().signal).catch((e: unknown) => e);
  t.ok(error instanceof Error, 'the send fails at the request timeout');
  t.equal(sim.calls({ operation: 'SendEmail' }).length, 1, 'SES got the call once, not once per SDK attempt');
});
