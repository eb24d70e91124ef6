/**
 * AWS Health alerts (issue 11) on the real path: the real Health job through the real SDK
 * clients against the simulator (its clock injected), the real store on dynalite, the notifying
 * sink with the mailer's dispatcher as its recorder, and SES in the simulator. Connecting records
 * only; an issue that opens is mailed once, naming service, region, event type, start time and
 * the affected resources, to the users who want it, even when the write after its intent fails
 * and the next run finds it again; a tenant whose users want no Health mail still gets it on its
 * webhook channel.
 */
import t, { type Test } from 'tap';
import { createMailSender } from '../../src/aws/index.js';
import { createChannelDelivery, createGuardedPost, type ChannelPost } from '../../src/channels/index.js';
import { sealChannelSecret } from '../../src/channels/channel-secrets.js';
import { defaultJobs, type CollectContext } from '../../src/collectors/index.js';
import type { CollectionResult, ResultSink } from '../../src/domain/sink.js';
import { silentLogger } from '../../src/log.js';
import { createMailer, type Mailer } from '../../src/mail/index.js';
import { notifyingSink } from '../../src/service/notifying-sink.js';
import { healthAlertKind } from '../../src/rules/index.js';
import { healthEventsAt } from '../../src/sim/world/health-events.js';
import type { Store } from '../../src/store/index.js';
import { PLATFORM_CREDENTIALS, startWorld, type World } from '../aws/sim-world.js';
import { hasOpenssl, startReceiver } from '../channels/fixtures/receiver.js';
import { openTestStore } from '../store/fixtures/store.js';

const AWS_ACCOUNT = '123456789012';
const SEED = 7; // startWorld's
const SLOT_MS = 6 * 3_600_000;
const PUBLIC_URL = 'https://health.example.com';
const noOpenssl = (await hasOpenssl()) ? false : 'openssl CLI not found: no test certificate';

/** The first AWS issue that the simulator opens at a slot's start after `from`: read just before it and just after. */
function nextIssue(from: number): { before: number; after: number; arn: string; service: string; region: string; code: string; entities: string[] } {
  for (let slotStart = Math.ceil(from / SLOT_MS) * SLOT_MS; ; slotStart += SLOT_MS) {
    const issue = healthEventsAt(SEED, AWS_ACCOUNT, slotStart + 60_000).find((e) => e.eventTypeCategory === 'issue' && e.startTime === slotStart);
    if (issue) return { before: slotStart - 60_000, after: slotStart + 60_000, arn: issue.arn, service: issue.service, region: issue.region, code: issue.eventTypeCode, entities: issue.entities };
  }
}

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface Setup {
  w: World;
  store: Store;
  tenantId: string;
  clock: { now: number };
  start(options?: { post?: ChannelPost }): Mailer;
  /** One run of the Health job at the clock's time, its writes through `sink` (the mailer's recorder around the store). */
  collect(mailer: Mailer, wrap?: (sink: ResultSink) => ResultSink): Promise<void>;
}

async function setup(t: Test, users: { email: string; preferences?: Record<string, boolean> }[]): Promise<Setup> {
  const clock = { now: Date.UTC(2026, 2, 1) };
  const w = await startWorld(t, { now: () => clock.now });
  const { store } = await openTestStore(t);
  const tenant = await store.tenants.create({ name: 'Acme' });
  await store.tenants.addAccount(tenant.id, { name: 'production', awsAccountId: AWS_ACCOUNT, regions: ['us-east-1'], credentials: { type: 'role', roleArn: `arn:aws:iam::${AWS_ACCOUNT}:role/CloudHealthMonitor` } });
  for (const u of users) {
    const user = await store.users.create({ tenantId: tenant.id, email: u.email, password: 'a long enough password', role: 'owner' });
    await store.users.markEmailVerified(tenant.id, user.id, u.email);
    if (u.preferences) await store.users.updatePreferences(tenant.id, user.id, u.preferences);
  }
  const sender = createMailSender({ region: 'us-east-1', endpoint: w.sim.endpoint, from: 'alerts@example.com', credentials: PLATFORM_CREDENTIALS });
  t.teardown(() => sender.close());
  const log = silentLogger();
  return {
    w,
    store,
    tenantId: tenant.id,
    clock,
    start(options = {}) {
      const post = options.post;
      const mailer = createMailer({
        store,
        sender,
        mail: { publicUrl: PUBLIC_URL },
        log,
        options: { batchWindowMs: 0, flushMs: 10_000 },
        ...(post ? { channels: (owner: string) => createChannelDelivery({ channels: store.channels, keyring: store.keyring, post, publicUrl: PUBLIC_URL, owner, log }) } : {}),
      });
      mailer.start();
      t.teardown(() => mailer.stop());
      return mailer;
    },
    async collect(mailer, wrap = (sink) => sink) {
      const account = (await store.tenants.get(tenant.id))!.accounts[0]!;
      const sink = notifyingSink(wrap(store.results), [], { log, recorders: [mailer.dispatcher] });
      const ctx: CollectContext = {
        tenantId: tenant.id,
        kind: 'health',
        accounts: [account],
        settings: {},
        now: clock.now,
        intervalMs: 3_600_000,
        force: true,
        previous: () => undefined,
        signal: new AbortController().signal,
        aws: w.aws,
        call: (_service, fn) => fn(new AbortController().signal),
        sink,
        memory: new Map(),
        log,
      };
      await defaultJobs().health(ctx);
    },
  };
}

t.test('connecting records only; an issue that opens is mailed once to who wants it, across a failed write and a restart', async (t) => {
  const s = await setup(t, [{ email: 'alice@example.com', preferences: { healthScheduled: true } }, { email: 'bob@example.com', preferences: { healthIssues: false } }]);
  const issue = nextIssue(s.clock.now + 3 * SLOT_MS);
  const health = () => s.w.sim.outbox().filter((m) => /AWS service issue|AWS Health events|Scheduled maintenance/.test(m.subject));

  let mailer = s.start();
  s.clock.now = issue.before;
  await s.collect(mailer);
  const baseline = await s.store.healthEvents.getHealth(s.tenantId, (await s.store.tenants.get(s.tenantId))!.accounts[0]!.id);
  t.ok(baseline, 'the first read is stored');
  t.notOk(baseline!.some((e) => e.arn === issue.arn), 'the issue is not out yet');
  t.ok(baseline!.some((e) => healthAlertKind({ category: e.category, status: e.status }) !== undefined), 'the first read holds events alice would be mailed for');
  await mailer.stop();
  t.equal(health().length, 0, 'connecting sends no mail');
  mailer = s.start();

  // The issue opens; the write after the intent fails (the store refuses), so the run is not stored as read.
  s.clock.now = issue.after;
  let failOnce = true;
  await s.collect(mailer, (sink) => ({
    ...sink,
    async write(result: CollectionResult, signal?: AbortSignal) {
      if (failOnce) {
        failOnce = false;
        throw Object.assign(new Error('store unavailable'), { name: 'ServiceUnavailable' });
      }
      return sink.write(result, signal);
    },
  }));
  t.notOk(failOnce, 'the write after the intent failed');
  await eventually('the issue email', () => health().length > 0);

  // The next run finds the same opening (the snapshot was not replaced), after a restart of the mailer.
  await mailer.stop();
  mailer = s.start();
  s.clock.now = issue.after + 60_000;
  await s.collect(mailer);
  await s.collect(mailer);
  await mailer.stop();

  const mails = health();
  t.equal(mails.length, 1, 'one email for the issue, across the failed write, the re-read and the restart');
  const mail = mails[0]!;
  t.same(mail.to, ['alice@example.com'], 'to alice only: bob turned AWS Health issues off');
  t.match(mail.subject, `AWS service issue: ${issue.service} in ${issue.region}`);
  t.match(mail.text, `Event type: ${issue.code} · account production`, 'names the event type and the account');
  t.match(mail.text, `Starts: ${new Date(issue.after - 60_000).toISOString().replace('T', ' ').slice(0, 19)} UTC`, 'names the start time');
  for (const entity of issue.entities) t.match(mail.text, entity, `names the affected resource ${entity}`);
  const stored = await s.store.healthEvents.getHealth(s.tenantId, (await s.store.tenants.get(s.tenantId))!.accounts[0]!.id);
  t.ok(stored!.some((e) => e.arn === issue.arn && e.status === 'open'), 'the issue is stored once read');
});

t.test('a webhook channel gets AWS Health alerts no user wants by email', { skip: noOpenssl }, async (t) => {
  const s = await setup(t, [{ email: 'carol@example.com', preferences: { healthIssues: false } }]);
  const receiver = await startReceiver(t);
  const post = createGuardedPost({ allowPrivate: true, ca: receiver.ca, timeoutMs: 3_000 });
  await s.store.channels.add({ tenantId: s.tenantId, id: 'ch-hook1', kind: 'webhook', name: 'Ops', maskedUrl: 'localhost/…hook', url: sealChannelSecret(s.store.keyring, s.tenantId, 'ch-hook1', 'url', receiver.url('/ok-hook')), signingSecret: sealChannelSecret(s.store.keyring, s.tenantId, 'ch-hook1', 'signing', 'chwhsec_test') });
  const issue = nextIssue(s.clock.now + 3 * SLOT_MS);
  const mailer = s.start({ post });
  s.clock.now = issue.before;
  await s.collect(mailer);
  s.clock.now = issue.after;
  await s.collect(mailer);
  await eventually('the channel event', () => receiver.received.length > 0);
  s.clock.now += 60_000;
  await s.collect(mailer);
  await mailer.stop();
  t.equal(receiver.received.length, 1, 'once on the channel');
  const event = JSON.parse(receiver.received[0]!.body);
  t.match(event, { kind: 'health', type: 'alert', items: [{ type: 'health', title: `AWS service issue: ${issue.service} in ${issue.region}`, detail: issue.code, account: 'production', resources: issue.entities }] });
  t.equal(s.w.sim.outbox().filter((m) => /AWS service issue/.test(m.subject)).length, 0, 'no email: carol does not want it');
});
