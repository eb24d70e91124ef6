/** The SES send queue on a simulated clock: the account's rate, throttling, priority, stop. */
import t from 'tap';
import { ManualClock } from '../../src/actors/index.js';
import { AppError } from '../../src/domain/errors.js';
import { silentLogger } from '../../src/log.js';
import { sleepOn } from '../../src/mail/mail-clock.js';
import { createSendQueue } from '../../src/mail/send-queue.js';
import { FakeSes } from './fixtures/memory-mail.js';

const message = (n: number) => ({ to: `user${n}@example.com`, subject: `s${n}`, html: '<p>h</p>', text: 't' });

t.test('5 emails at 1/s take at least 4 s of the clock; 10/s spaces them 100 ms apart', async (t) => {
  const clock = new ManualClock();
  const ses = new FakeSes(() => clock.now());
  const queue = createSendQueue({ sender: ses, log: silentLogger(), clock });
  t.teardown(() => queue.stop());
  const start = clock.now();
  const sends = [1, 2, 3, 4, 5].map((n) => queue.send(message(n)));
  await clock.advance(3_999);
  t.equal(ses.sent.length, 4, 'the fifth waits for its slot');
  await clock.advance(1);
  await Promise.all(sends);
  t.same(
    ses.calls.map((at) => at - start),
    [0, 1_000, 2_000, 3_000, 4_000],
  );

  const fast = createSendQueue({ sender: ses, log: silentLogger(), clock, ratePerSecond: 10 });
  t.teardown(() => fast.stop());
  const before = ses.calls.length;
  const at = clock.now();
  const more = [6, 7, 8].map((n) => fast.send(message(n)));
  await clock.advance(200);
  await Promise.all(more);
  t.same(ses.calls.slice(before).map((c) => c - at), [0, 100, 200]);
});

t.test('a throttled send is retried after a backoff that holds the whole queue; past the retries it fails', async (t) => {
  const clock = new ManualClock();
  const ses = new FakeSes(() => clock.now());
  const queue = createSendQueue({ sender: ses, log: silentLogger(), clock, throttleRetries: 2, throttleBackoff: { minMs: 2_000, maxMs: 60_000 } });
  t.teardown(() => queue.stop());
  const start = clock.now();
  ses.script = ['throttle', 'ok', 'ok'];
  const first = queue.send(message(1));
  const second = queue.send(message(2));
  await clock.advance(10_000);
  t.same(await first, { messageId: 'm-1' });
  t.same(await second, { messageId: 'm-2' });
  t.same(
    ses.calls.map((c) => c - start),
    [0, 2_000, 3_000],
    'the throttled email is retried first, 2 s later; the next keeps the rate after it',
  );
  t.same(ses.sent.map((m) => m.to), ['user1@example.com', 'user2@example.com']);

  ses.script = ['throttle', 'throttle', 'throttle'];
  const doomed = queue.send(message(3));
  const failed = doomed.catch((error: unknown) => error);
  await clock.advance(10_000);
  t.match(await failed, { kind: 'throttled', service: 'ses' }, 'after 2 retries the caller gets the throttle');
  t.equal(ses.calls.length, 6);

  ses.script = ['fail'];
  const broken = queue.send(message(4)).catch((error: unknown) => error);
  await clock.advance(1_000);
  t.match(await broken, { kind: 'transient' }, 'other failures are not retried here (the outbox retries them)');
});

t.test('high priority goes first; beforeSend false skips; stop rejects what waits and aborts what runs', async (t) => {
  const clock = new ManualClock();
  const ses = new FakeSes(() => clock.now());
  const queue = createSendQueue({ sender: ses, log: silentLogger(), clock });
  const a = queue.send(message(1));
  const b = queue.send(message(2));
  const skipped = queue.send(message(3), { beforeSend: async () => false }).catch((e: unknown) => e);
  const urgent = queue.send(message(9), { priority: 'high' });
  await clock.advance(3_000);
  await Promise.all([a, b, urgent]);
  t.same(ses.sent.map((m) => m.to), ['user1@example.com', 'user9@example.com', 'user2@example.com'], 'the verification email jumps the queue');
  t.match(await skipped, { code: 'MAIL_SEND_SKIPPED' });

  ses.script = ['hang'];
  const hanging = queue.send(message(4)).catch((e: unknown) => e);
  const waiting = queue.send(message(5)).catch((e: unknown) => e);
  await clock.advance(1_000);
  t.equal(queue.pending, 1);
  await Promise.all([queue.stop(), queue.stop()]);
  t.ok((await hanging) instanceof AppError || (await hanging) instanceof Error, 'the send in flight is aborted');
  t.match(await waiting, { code: 'MAIL_QUEUE_STOPPED' });
  t.match(await queue.send(message(6)).catch((e: unknown) => e), { code: 'MAIL_QUEUE_STOPPED' });
  t.equal(clock.pending, 0, 'no timer left behind');
});

t.test('the time limit counts from the turn: a lock renewal that took most of it defers the email instead of sending it short of time', async (t) => {
  const clock = new ManualClock();
  const ses = new FakeSes(() => clock.now());
  const queue = createSendQueue({ sender: ses, log: silentLogger(), clock });
  t.teardown(() => queue.stop());
  const slowRenewal = queue.send(message(1), { beforeSend: () => sleepOn(clock, 25_000).then(() => true) }).catch((e: unknown) => e);
  await clock.advance(26_000);
  t.match(await slowRenewal, { code: 'MAIL_SEND_DEFERRED' }, '5 s left of 30: not sent (the outbox retries it)');
  t.equal(ses.calls.length, 0, 'SES was not called');

  const quickRenewal = queue.send(message(2), { beforeSend: () => sleepOn(clock, 5_000).then(() => true) });
  await clock.advance(6_000);
  t.same(await quickRenewal, { messageId: 'm-1' }, '25 s left: sent');
});

t.test('an answer that arrives in the same turn as the deadline is not thrown away', async (t) => {
  const clock = new ManualClock();
  const ses = new FakeSes(() => clock.now());
  const queue = createSendQueue({ sender: ses, log: silentLogger(), clock });
  t.teardown(() => queue.stop());
  // SES accepts at once and its answer is processed exactly at the deadline, after the
  // deadline's timer: a process stalled for the whole time limit sees both due together.
  ses.script = ['late'];
  const sent = queue.send(message(1)).catch((e: unknown) => e);
  await clock.advance(0);
  clock.setTimer(() => ses.releaseHeld(), 30_000);
  await clock.advance(30_000);
  t.same(await sent, { messageId: 'm-1' }, 'the caller learns SES accepted it (aborting first would make the outbox send it again)');

  ses.script = ['hang'];
  const hung = queue.send(message(2)).catch((e: unknown) => e);
  await clock.advance(1_000);
  await clock.advance(30_000);
  t.match(await hung, { code: 'MAIL_SEND_TIMEOUT' }, 'a call that gets no answer still ends at its time limit');
});
