/**
 * The SES send rate shared through Redis: two instances' send queues, each allowed far more than
 * the account's rate on its own, together keep to the account's rate because both take their
 * slots from one Redis. Counts are checked over a generous window (the windows are Redis's own
 * one-second counters), never a tight duration.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { silentLogger } from '../../src/log.js';
import { createSendQueue } from '../../src/mail/send-queue.js';
import { createRedisSendRateGate } from '../../src/store/send-rate-gate.js';
import { redisSkip, TEST_REDIS_URL } from './fixtures/store.js';

const skip = await redisSkip(t);

t.test('two senders on one Redis keep together to the account rate', { skip }, async (t) => {
  const prefix = `cloud-health-test:${randomBytes(6).toString('hex')}:ses-rate`;
  const RATE = 4;
  const EACH = 10;
  const sent: { at: number; instance: string }[] = [];
  const clients: Redis[] = [];
  const instance = (name: string) => {
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    clients.push(redis);
    t.teardown(() => redis.quit().then(() => undefined));
    // Each queue alone would send 100 a second: only the shared gate holds them to RATE.
    const queue = createSendQueue({
      sender: { send: async () => (sent.push({ at: Date.now(), instance: name }), { messageId: `${name}-${sent.length}` }) },
      log: silentLogger(),
      ratePerSecond: 100,
      maxInFlight: 4,
      gate: createRedisSendRateGate({ redis, prefix, ratePerSecond: RATE }),
    });
    t.teardown(() => queue.stop());
    return queue;
  };
  const [a, b] = [instance('a'), instance('b')];
  // Until its connection is ready an instance counts on its own (the gate's fallback): start once both are.
  await Promise.all(clients.map((redis) => (redis.status === 'ready' ? undefined : new Promise((resolve) => redis.once('ready', resolve)))));
  const message = (i: number) => ({ to: 'u@example.com', subject: `m${i}`, html: '<p>x</p>', text: 'x' });
  const started = Date.now();
  await Promise.all(Array.from({ length: EACH }, (_, i) => [a.send(message(i)), b.send(message(i))]).flat());
  const elapsedS = (Date.now() - started) / 1000;
  t.equal(sent.length, 2 * EACH, 'every email went out');
  t.ok(sent.some((s) => s.instance === 'a') && sent.some((s) => s.instance === 'b'), 'both instances sent');
  // 20 emails at 4 a second across windows of one second: at least 4 windows (some 4 s)
  // whatever the alignment; without the shared gate they would all go in well under one.
  t.ok(elapsedS >= (2 * EACH) / RATE - 1.5, `20 emails at ${RATE}/s took ${elapsedS.toFixed(1)} s together`);
  // In any one second, at most two windows' worth (a window's end and the next one's start).
  for (const s of sent) {
    const within = sent.filter((o) => o.at >= s.at && o.at < s.at + 1_000).length;
    t.ok(within <= 2 * RATE, `at most ${2 * RATE} sends in any one second (${within})`);
  }
});
