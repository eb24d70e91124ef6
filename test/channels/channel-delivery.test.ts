/**
 * Alert channels driven by the email outbox, on the real embedded store (dynalite through the
 * SDK) and a local HTTPS receiver: each alert reaches each channel exactly once, signed; a dead
 * receiver neither blocks the email nor the other channels and shows as failing; a crashed
 * instance's pending deliveries are finished by the next one.
 */
import t, { type Test } from 'tap';
import type { MailMessage } from '../../src/aws/index.js';
import { createChannelDelivery, createChannelService, createGuardedPost, type ChannelDelivery, type ChannelPost } from '../../src/channels/index.js';
import { sealChannelSecret } from '../../src/channels/channel-secrets.js';
import { silentLogger } from '../../src/log.js';
import type { AlertPayload, PendingFinding } from '../../src/mail/alert-payload.js';
import { createOutboxDelivery, type OutboxDelivery } from '../../src/mail/outbox-delivery.js';
import { createOutboxRecovery, type OutboxRecovery } from '../../src/mail/outbox-recovery.js';
import { createSendQueue } from '../../src/mail/send-queue.js';
import type { Store } from '../../src/store/index.js';
import { openTestStore } from '../store/fixtures/store.js';
import { hasOpenssl, startReceiver, verify, type Receiver } from './fixtures/receiver.js';

const noOpenssl = (await hasOpenssl()) ? false : 'openssl CLI not found: no test certificate';

const PUBLIC_URL = 'https://health.example.com';

/** Wait until `check` holds; generous, the machine may be loaded. */
async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function finding(id: string, severity: number): PendingFinding {
  const band = severity >= 9 ? 'critical' : severity >= 7 ? 'high' : 'medium';
  return {
    key: `finding:123456789012:${id}:${band}`,
    accountId: 'a-prod',
    findingId: id,
    band,
    title: `Finding ${id} <b>`,
    severity,
    type: 'Backdoor:EC2/C&CActivity.B',
    region: 'eu-west-1',
    updatedAt: new Date().toISOString(),
    resourceType: 'Instance',
    resourceId: 'i-0abc',
    accountName: 'production',
  };
}

const payload = (findings: PendingFinding[]): AlertPayload => ({
  kind: 'findings',
  tenantName: 'Acme & Co',
  recipients: [{ userId: 'u-1', to: 'alice@example.com', critical: true, warning: true, costTips: true }],
  findings,
});

interface Instance {
  owner: string;
  emails: MailMessage[];
  delivery: OutboxDelivery;
  channels: ChannelDelivery;
  recovery: OutboxRecovery;
  stop(): Promise<void>;
}

function startInstance(t: Test, store: Store, owner: string, post: ChannelPost, extra: { sendGraceMs?: number } = {}): Instance {
  const log = silentLogger();
  const emails: MailMessage[] = [];
  const queue = createSendQueue({ sender: { send: async (message: MailMessage) => (emails.push(message), { messageId: `m-${emails.length}` }) }, log, ratePerSecond: 100 });
  const channels = createChannelDelivery({
    channels: store.channels,
    keyring: store.keyring,
    post,
    publicUrl: PUBLIC_URL,
    log,
    owner,
    retry: { minMs: 20, maxMs: 80, maxAttempts: 4 },
    failingAfter: 2,
  });
  const delivery = createOutboxDelivery({ outbox: store.outbox, alerts: store.alerts, queue, mail: { publicUrl: PUBLIC_URL }, log, owner, batchWindowMs: 0, channels });
  const recovery = createOutboxRecovery({ tenants: store.tenants, outbox: store.outbox, delivery, log, channels, heartbeatMs: 60_000, ...extra });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await recovery.stop();
      await delivery.stop();
      await queue.stop();
      await channels.stop();
    })());
  t.teardown(stop);
  return { owner, emails, delivery, channels, recovery, stop };
}

async function setup(t: Test) {
  const { store } = await openTestStore(t);
  const tenant = await store.tenants.create({ name: 'Acme & Co' });
  const receiver = await startReceiver(t);
  const post = createGuardedPost({ allowPrivate: true, ca: receiver.ca, timeoutMs: 3_000 });
  const service = createChannelService({
    channels: store.channels,
    tenantName: async () => 'Acme & Co',
    keyring: store.keyring,
    post,
    publicUrl: PUBLIC_URL,
    target: { allowPrivate: true },
    failingAfter: 2,
  });
  return { store, tenantId: tenant.id, receiver, post, service };
}

/** A Slack channel pointed at the local receiver (the API accepts only hooks.slack.com). */
async function localSlack(store: Store, tenantId: string, receiver: Receiver, id: string): Promise<void> {
  await store.channels.add({ tenantId, id, kind: 'slack', name: 'Slack', maskedUrl: 'localhost/…lack', url: sealChannelSecret(store.keyring, tenantId, id, 'url', receiver.url('/ok-slack')) });
}

t.test('each alert reaches every channel once, signed; the email goes out too', { skip: noOpenssl }, async (t) => {
  const { store, tenantId, receiver, post, service } = await setup(t);
  const added = await service.add(tenantId, { kind: 'webhook', name: 'Ops hook', url: receiver.url('/ok-hook') });
  const secret = added.signingSecret!;
  t.match(secret, /^chwhsec_[A-Za-z0-9_-]{40,}$/, 'a signing secret, returned once');
  t.notMatch(JSON.stringify(await store.channels.list(tenantId)), /ok-hook|chwhsec_/, 'neither the URL nor the secret is stored in clear');
  t.equal(added.channel.maskedUrl, `localhost:${receiver.port}/…hook`);
  await localSlack(store, tenantId, receiver, 'ch-slack1');
  const a = startInstance(t, store, 'mailer-a', post);

  await a.delivery.submit(tenantId, payload([finding('f-1', 9.5), finding('f-2', 7.1)]));
  await eventually(() => receiver.received.length >= 2 && a.emails.length >= 1, 'the email and both channels');

  const hook = receiver.received.find((r) => r.path === '/ok-hook')!;
  t.ok(verify(secret, hook.headers['x-cloudhealth-signature'] as string, hook.body), 'the receiver verifies the signature');
  t.notOk(verify(secret, hook.headers['x-cloudhealth-signature'] as string, hook.body.replace('f-1', 'f-9')), 'a changed body does not verify');
  t.notOk(verify('chwhsec_wrong', hook.headers['x-cloudhealth-signature'] as string, hook.body), 'nor another secret');
  const event = JSON.parse(hook.body);
  t.match(event, {
    version: 1,
    type: 'alert',
    kind: 'findings',
    tenant: { id: tenantId, name: 'Acme & Co' },
    summary: '2 GuardDuty findings need attention',
    links: { details: `${PUBLIC_URL}/findings` },
  });
  t.match(event.items, [{ type: 'finding', title: 'Finding f-1 <b>', severity: 'critical', severityScore: 9.5, account: 'production', region: 'eu-west-1' }, { severity: 'high' }]);
  t.match(event.id, /^ob-/, 'the id is the alert (outbox item) id');
  t.equal(hook.headers['x-cloudhealth-event'], event.id);

  const slack = JSON.parse(receiver.received.find((r) => r.path === '/ok-slack')!.body);
  t.match(slack.text, /Acme &amp; Co: 2 GuardDuty findings need attention/, 'Slack text, mrkdwn-escaped');
  t.match(JSON.stringify(slack.blocks), /Finding f-1 &lt;b&gt;/, 'Block Kit sections with the findings, escaped');
  t.notOk('x-cloudhealth-signature' in receiver.received.find((r) => r.path === '/ok-slack')!.headers, 'Slack is not signed (its URL is the secret)');

  await eventually(async () => (await store.channels.get(tenantId, added.channel.id))?.lastSuccessAt !== undefined, 'the success recorded');
  t.match(await store.channels.get(tenantId, added.channel.id), { status: 'ok', failures: 0 });

  t.equal(await a.channels.fanOut(tenantId, event.id, payload([finding('f-1', 9.5)])), 0, 'fanning the same item out again (a crash before it was ready) creates nothing');
  await a.delivery.submit(tenantId, payload([finding('f-1', 9.5), finding('f-2', 7.1)]));
  await eventually(async () => (await store.outbox.list(tenantId)).length === 0, 'the repeated alert claims nothing and is dropped');
  const b = startInstance(t, store, 'mailer-b', post);
  t.equal(await b.recovery.sweep(), 0, 'another instance finds nothing to finish');
  await a.delivery.submit(tenantId, payload([finding('f-3', 8)]));
  await eventually(() => receiver.received.length >= 4, 'the next alert');
  t.equal(receiver.received.filter((r) => r.path === '/ok-hook').length, 2, 'the webhook got each alert once');
  t.equal(receiver.received.filter((r) => r.path === '/ok-slack').length, 2, 'so did Slack');
  t.equal(a.emails.length, 2, 'one email per alert');
  const hooks = receiver.received.filter((r) => r.path === '/ok-hook').map((r) => JSON.parse(r.body) as { id: string; items: { title: string }[] });
  t.same(hooks[1]!.items.map((i) => i.title), ['Finding f-3 <b>'], 'the second event holds only the new finding');
  t.not(hooks[1]!.id, hooks[0]!.id);
});

t.test('a dead receiver blocks neither the email nor the other channels; its channel shows failing', { skip: noOpenssl }, async (t) => {
  const { store, tenantId, receiver, post, service } = await setup(t);
  const dead = await service.add(tenantId, { kind: 'webhook', name: 'Dead', url: receiver.url('/fail-dead') });
  const down = await service.add(tenantId, { kind: 'webhook', name: 'Down', url: 'https://127.0.0.1:1/nothing-listens' });
  const live = await service.add(tenantId, { kind: 'webhook', name: 'Live', url: receiver.url('/ok-live') });
  const a = startInstance(t, store, 'mailer-a', post);

  await a.delivery.submit(tenantId, payload([finding('f-1', 9.5)]));
  await eventually(() => a.emails.length === 1 && receiver.received.some((r) => r.path === '/ok-live'), 'the email and the live channel');
  await eventually(async () => (await store.channels.get(tenantId, dead.channel.id))?.status === 'failing', 'the 500 channel failing');
  await eventually(async () => (await store.channels.get(tenantId, down.channel.id))?.status === 'failing', 'the unreachable channel failing');
  t.match(await store.channels.get(tenantId, dead.channel.id), { status: 'failing', lastError: 'CHANNEL_HTTP_STATUS:500', lastErrorAt: String });
  t.match(await store.channels.get(tenantId, down.channel.id), { status: 'failing', lastError: 'CHANNEL_CONNECT_FAILED' });
  t.match(await store.channels.get(tenantId, live.channel.id), { status: 'ok' });
  await eventually(async () => (await store.channels.pendingDeliveries(tenantId)).length === 0 && a.channels.held === 0, 'retries to end');
  t.equal(receiver.received.filter((r) => r.path === '/fail-dead').length, 4, 'the failing receiver was tried maxAttempts times, then given up on');
  t.match(await store.channels.getDelivery(tenantId, JSON.parse(receiver.received.find((r) => r.path === '/ok-live')!.body).id, dead.channel.id), { state: 'dead', attempts: 4, lastError: 'CHANNEL_HTTP_STATUS:500' });
  t.equal(a.emails.length, 1, 'the email went once');
  t.equal(receiver.received.filter((r) => r.path === '/ok-live').length, 1, 'the live channel got it once');

  const test = await service.sendTest(tenantId, live.channel.id);
  t.match(test, { delivered: true, status: 200 }, '"send test" reaches the live receiver');
  t.match(JSON.parse(receiver.received.at(-1)!.body), { version: 1, type: 'test', kind: 'test', items: [] });
  t.match(await service.sendTest(tenantId, dead.channel.id), { delivered: false, error: 'CHANNEL_HTTP_STATUS:500' });
  t.equal(await service.sendTest('t-nobody', live.channel.id), undefined, 'another tenant cannot test it');
});

t.test('a crashed instance\'s pending channel deliveries are finished by the next one, once', { skip: noOpenssl }, async (t) => {
  const { store, tenantId, receiver, post, service } = await setup(t);
  const hook = await service.add(tenantId, { kind: 'webhook', name: 'Hook', url: receiver.url('/ok-resume') });
  // The first instance "dies" while its channel request is in flight: the request never ends
  // and the record stays locked by an owner that never beat a heartbeat.
  let stalled = 0;
  const hung: ChannelPost = (_url, _body, _headers, signal) =>
    new Promise((_resolve, reject) => {
      stalled += 1;
      signal?.addEventListener('abort', () => reject(new Error('stopped')));
    });
  const a = startInstance(t, store, 'mailer-crashed', hung);
  await a.delivery.submit(tenantId, payload([finding('f-1', 9.5)]));
  await eventually(() => stalled === 1 && a.emails.length === 1, 'the email sent and the channel request stuck');
  const [pending] = await store.channels.pendingDeliveries(tenantId);
  t.match(pending, { channelId: hook.channel.id, lockedBy: 'mailer-crashed', attempts: 0 }, 'the delivery is pending, locked by the dead instance');
  t.ok(pending!.lockedUntil > Date.now(), 'its lock has not expired');

  // Its owner has no heartbeat, but the lock was renewed right before the request: within the send
  // grace the owner may be alive and late, so the record is left alone (no second request).
  const early = startInstance(t, store, 'mailer-early', post, { sendGraceMs: 10 * 60_000 });
  t.equal(await early.recovery.sweep(), 0, 'within the send grace after the last lock renewal nothing is adopted');
  t.match((await store.channels.pendingDeliveries(tenantId))[0], { lockedBy: 'mailer-crashed' }, 'still locked by its owner');
  t.ok(pending!.lockedAt > 0 && pending!.lockedAt <= Date.now(), 'the lock records when it was taken');
  await early.stop();

  const b = startInstance(t, store, 'mailer-next', post, { sendGraceMs: 0 });
  t.equal(await b.recovery.sweep(), 1, 'once the grace has passed, the next instance adopts it: its owner has no heartbeat');
  await eventually(() => receiver.received.some((r) => r.path === '/ok-resume'), 'the delivery finished');
  t.equal(receiver.received.filter((r) => r.path === '/ok-resume').length, 1, 'exactly once');
  await eventually(async () => (await store.channels.pendingDeliveries(tenantId)).length === 0, 'nothing pending');
  t.equal(b.emails.length, 0, 'the email, already sent, is not sent again');
  t.equal(await b.recovery.sweep(), 0);
});
