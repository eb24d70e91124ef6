/**
 * From collected findings and costs to emails, on in-memory stores and a simulated clock:
 * who gets what, once; merging; retries; crashes at each step and the one window where an
 * email can go out twice.
 */
import t from 'tap';
import { ManualClock } from '../../src/actors/index.js';
import type { CostResult, RunStatus } from '../../src/domain/sink.js';
import { ACCOUNT, finding, MemoryMailWorld, TENANT } from './fixtures/memory-mail.js';
import { collect, security, startProcess } from './fixtures/pipeline.js';

const MINUTE = 60_000;

function world() {
  const clock = new ManualClock();
  return { clock, world: new MemoryMailWorld(() => clock.now()) };
}

t.test('a critical finding mails each verified user who asked; a repeated collection mails nobody again', async (t) => {
  const { clock, world: w } = world();
  w.addUser('alice@example.com');
  w.addUser('bob@example.com', { warning: true });
  w.addUser('carol@example.com', {}, false);
  w.addUser('dave@example.com', { critical: false });
  const p = startProcess(w, clock);
  t.teardown(() => p.stop());
  const now = clock.now();
  const result = security([
    finding('f-crit', 9.5, now, { title: 'Crypto miner <script>alert(1)</script>' }),
    finding('f-med', 5, now),
    finding('f-low', 2, now),
  ]);
  await collect(p, clock, result, 10_000);
  t.same(p.ses.sent.map((m) => m.to).sort(), ['alice@example.com', 'bob@example.com'], 'verified users who asked, one email each');
  const alice = p.ses.sent.find((m) => m.to === 'alice@example.com')!;
  const bob = p.ses.sent.find((m) => m.to === 'bob@example.com')!;
  t.match(alice.subject, /Critical \(9\.5\) GuardDuty finding: Crypto miner <script>/, 'the subject is plain text');
  t.notMatch(alice.html, /<script>/, 'no markup from the finding reaches the HTML');
  t.match(alice.html, /Crypto miner &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  t.match(alice.html, /Acme &lt;Corp&gt;/);
  t.notMatch(alice.text, /Finding f-med/, 'Medium only for users who asked for warnings');
  t.match(bob.text, /Finding f-med/);
  t.notMatch(bob.text, /Finding f-low/, 'Low never alerts');
  t.match(alice.html, /https:\/\/health\.example\.com\/findings/, 'links from the public URL');
  t.equal(w.items.size, 0, 'the outbox is empty once everything is sent');

  await collect(p, clock, result, 10_000);
  await collect(p, clock, security([finding('f-crit', 9.5, now + 60_000, { count: 2 })]), 10_000);
  t.equal(p.ses.sent.length, 2, 'the same findings collected again (and updated) send nothing more');

  const second = startProcess(w, clock);
  t.teardown(() => second.stop());
  await collect(second, clock, result, 10_000);
  t.equal(second.ses.sent.length, 0, 'nor does a second instance (or a restart) that collects them: the markers are claimed');
  t.equal(w.items.size, 0, 'its item owned nothing and was deleted');
});

t.test('severity rising into a higher band alerts again; falling does not; Medium waits for someone who wants warnings', async (t) => {
  const { clock, world: w } = world();
  w.addUser('alice@example.com');
  const p = startProcess(w, clock);
  t.teardown(() => p.stop());
  const at = () => clock.now();
  await collect(p, clock, security([finding('f-1', 5.5, at())]), 10_000);
  t.equal(p.ses.sent.length, 0, 'Medium: nobody asked for warnings');
  t.equal(w.markers.size, 0, 'and it is not even claimed, so it can still alert when it rises');
  await collect(p, clock, security([finding('f-1', 7.2, at())]), 10_000);
  t.equal(p.ses.sent.length, 1, 'rose to High');
  await collect(p, clock, security([finding('f-1', 9.1, at())]), 10_000);
  t.equal(p.ses.sent.length, 2, 'rose to Critical');
  t.match(p.ses.sent[1]!.subject, /Critical \(9\.1\)/);
  await collect(p, clock, security([finding('f-1', 7.5, at())]), 10_000);
  await collect(p, clock, security([finding('f-1', 8.9, at())]), 10_000);
  t.equal(p.ses.sent.length, 2, 'falling back to High does not alert again');
});

t.test('many findings at once, and the results of two accounts in one run, make one email per recipient', async (t) => {
  const { clock, world: w } = world();
  w.addUser('alice@example.com');
  w.tenant.accounts.push({ ...w.tenant.accounts[0]!, id: 'a-stage', name: 'staging' });
  const p = startProcess(w, clock);
  t.teardown(() => p.stop());
  const now = clock.now();
  const flood = Array.from({ length: 230 }, (_, i) => finding(`f-${i}`, i % 2 ? 7.5 : 9.5, now));
  await collect(p, clock, security(flood), 2_000);
  await collect(p, clock, security([finding('g-1', 9.9, now)], 'a-stage'), 10_000);
  t.equal(p.ses.sent.length, 1, 'one email, though the flood was stored as two outbox items');
  const [email] = p.ses.sent;
  t.match(email!.subject, /231 GuardDuty findings need attention \(116 critical, 115 high\)/);
  t.match(email!.text, /Critical \(9\.9\): Finding g-1\n.*account staging/, 'the other account\'s finding, most severe, listed first');
  t.match(email!.text, /\.\.\.and 206 more\./, 'the template lists 25 and counts the rest');
  t.equal(w.items.size, 0);
});

t.test('a throttled send is retried at once; a failed one stays in the outbox and is sent after a restart', async (t) => {
  const { clock, world: w } = world();
  w.addUser('alice@example.com');
  const a = startProcess(w, clock);
  a.recovery.start(); // its heartbeat says it is alive
  a.ses.script = ['throttle', 'ok'];
  await collect(a, clock, security([finding('f-1', 9, clock.now())]), 10_000);
  t.equal(a.ses.sent.length, 1, 'throttled, then sent by the queue after its backoff');
  t.equal(a.ses.calls.length, 2);

  a.ses.script = ['fail', 'fail', 'fail'];
  await collect(a, clock, security([finding('f-2', 9, clock.now())]), 10_000);
  t.equal(a.ses.sent.length, 1, 'SES is down');
  const [item] = w.items.values();
  t.match(item, { state: 'ready', attempts: 1, lastError: 'transient:ServiceUnavailable' }, 'kept in the outbox with its failure');
  await clock.advance(30_000);
  t.equal(w.items.values().next().value?.attempts, 2, 'retried with backoff (30 s, then 60 s)');
  a.kill();

  // A new process on the same store: once the dead one's heartbeat lapses (three 10 s beats) and
  // its last send has surely ended (45 s after the lock was renewed for it), recovery takes its
  // item, without waiting for its 60 s lock to expire.
  const b = startProcess(w, clock);
  t.teardown(() => b.stop());
  t.equal(await b.recovery.sweep(), 0, 'the dead process still looks alive: its lock holds');
  await clock.advance(31_000);
  t.equal(await b.recovery.sweep(), 0, 'its heartbeat has lapsed, but a send it began 31 s ago might still be under way');
  await clock.advance(15_000);
  t.ok([...w.items.values()][0]!.lockedUntil > clock.now(), 'its lock has not expired');
  t.equal(await b.recovery.sweep(), 1, 'its heartbeat has lapsed and its last send is over: the item is adopted');
  await clock.advance(60_000);
  t.same(b.ses.sent.map((m) => m.to), ['alice@example.com']);
  t.match(b.ses.sent[0]!.text, /Finding f-2/);
  t.equal(w.items.size, 0);
});

t.test('a live owner whose heartbeat is late keeps its item while its send is under way: one email, not two', async (t) => {
  const { clock, world: w } = world();
  w.addUser('alice@example.com');
  const a = startProcess(w, clock);
  a.recovery.start();
  await a.recovery.stop(); // its one heartbeat says alive for 30 s; then it is late (its store writes queued, say)
  a.ses.script = ['held'];
  await a.dispatcher.onResult(security([finding('f-1', 9.8, clock.now())]));
  await clock.advance(6_000);
  t.equal(a.ses.calls.length, 1, 'the send began after the batch window, under a renewed lock');

  const b = startProcess(w, clock);
  t.teardown(() => b.stop());
  await clock.advance(25_000);
  t.ok((await w.outbox().aliveUntil(a.delivery.owner))! < clock.now(), "a's heartbeat has lapsed");
  t.equal(await b.recovery.sweep(), 0, 'not adopted: the send under its lock may still be under way');
  a.ses.releaseHeld();
  await clock.advance(1_000);
  t.equal(a.ses.sent.length, 1, 'SES accepted it from a');
  await clock.advance(60_000);
  await b.recovery.sweep();
  await clock.advance(60_000);
  t.equal(b.ses.sent.length, 0, 'b sent nothing');
  t.equal(w.items.size, 0, 'the item is done');
  await a.stop();
});

t.test('crashes: after the intent, before the claims; after the claims, before the send — each alert is mailed once', async (t) => {
  const { clock, world: w } = world();
  w.addUser('alice@example.com');
  const now = clock.now();

  // 1. The item is durable when onResult resolves; the process dies as it starts claiming.
  const a = startProcess(w, clock, { dieOn: 'claimFindingAlert' });
  await a.dispatcher.onResult(security([finding('f-1', 9.8, now)]));
  t.match([...w.items.values()], [{ state: 'intent' }]);
  t.equal(w.markers.size, 0, 'nothing claimed yet');

  // The restarted process collects the same finding again (its watermark did not move) and then recovers.
  const b = startProcess(w, clock);
  t.teardown(() => b.stop());
  await collect(b, clock, security([finding('f-1', 9.8, now)]), 10_000);
  t.equal(b.ses.sent.length, 1, 'the new collection claims and sends it');
  await clock.advance(60_000);
  await b.recovery.sweep();
  await clock.advance(10_000);
  t.equal(b.ses.sent.length, 1, 'recovering the dead intent finds the alert owned by another item: not sent again');
  t.equal(w.items.size, 0);

  // 2. Claimed and ready; the process dies while SES has not answered.
  const c = startProcess(w, clock);
  c.ses.script = ['hang'];
  await collect(c, clock, security([finding('f-2', 9.9, clock.now())]), 6_000);
  c.kill();
  t.match([...w.items.values()], [{ state: 'ready', sent: [] }]);
  await clock.advance(60_000);
  await b.recovery.sweep();
  await clock.advance(10_000);
  t.equal(b.ses.sent.length, 2);
  t.match(b.ses.sent[1]!.text, /Finding f-2/);
  await collect(b, clock, security([finding('f-2', 9.9, clock.now())]), 10_000);
  t.equal(b.ses.sent.length, 2, 'collected again after recovery: still once');
});

t.test('the one at-least-once window: SES accepted the email but recording it failed before a crash', async (t) => {
  const { clock, world: w } = world();
  w.addUser('alice@example.com');
  const a = startProcess(w, clock, { dieOn: 'markSent' });
  await collect(a, clock, security([finding('f-1', 9, clock.now())]), 6_000);
  t.equal(a.ses.sent.length, 1, 'SES accepted it');
  t.match([...w.items.values()], [{ sent: [] }], 'but the item still lists it as unsent');
  const b = startProcess(w, clock);
  t.teardown(() => b.stop());
  await clock.advance(120_000);
  await b.recovery.sweep();
  await clock.advance(10_000);
  t.equal(b.ses.sent.length, 1, 'so recovery sends it again: the documented duplicate window');
  t.equal(w.items.size, 0);
});

t.test('a cost spike mails users who asked for cost alerts, once per spike', async (t) => {
  const { clock, world: w } = world();
  w.addUser('alice@example.com');
  w.addUser('bob@example.com', { costTips: false });
  const today = new Date(clock.now()).toISOString().slice(0, 10);
  for (let d = 20; d >= 1; d -= 1) {
    const day = new Date(clock.now() - d * 86_400_000).toISOString().slice(0, 10);
    w.costRows.push({ accountId: ACCOUNT, day, service: 'Amazon EC2', amountUsd: 10 + (d % 3) });
  }
  w.costRows.push({ accountId: ACCOUNT, day: today, service: 'Amazon EC2', amountUsd: 250 });
  const p = startProcess(w, clock);
  t.teardown(() => p.stop());
  const cost: CostResult = { kind: 'cost', tenantId: TENANT, accountId: ACCOUNT, collectedAt: '', daily: [], forecast: undefined, anomalies: [], rightsizing: [] };
  await collect(p, clock, cost, 10_000);
  t.same(p.ses.sent.map((m) => m.to), ['alice@example.com']);
  t.match(p.ses.sent[0]!.subject, new RegExp(`Cost spike: Amazon EC2 on ${today}`));
  await collect(p, clock, cost, 10_000);
  t.equal(p.ses.sent.length, 1, 'the next cost run finds the same spike: no second email');
});

t.test('a failure to record a send without a crash does not send it again', async (t) => {
  const { clock, world: w } = world();
  w.addUser('alice@example.com');
  const p = startProcess(w, clock);
  t.teardown(() => p.stop());
  w.failing.add('markSent');
  await collect(p, clock, security([finding('f-1', 9, clock.now())]), 6_000);
  w.failing.clear();
  await clock.advance(10 * MINUTE);
  await p.recovery.sweep();
  await clock.advance(MINUTE);
  t.equal(p.ses.sent.length, 1, 'the process remembers it sent it, and the item is gone');
  t.equal(w.items.size, 0);
});

t.test('a result whose item cannot be written fails the write (the watermark stays); the next collection records it', async (t) => {
  const { clock, world: w } = world();
  w.addUser('alice@example.com');
  const p = startProcess(w, clock);
  t.teardown(() => p.stop());
  w.failing.add('create');
  await t.rejects(p.dispatcher.onResult(security([finding('f-1', 9, clock.now())])), 'the caller learns it: nothing is kept only in memory');
  t.equal(w.items.size, 0);
  await clock.advance(MINUTE);
  t.equal(p.ses.sent.length, 0, 'no retry timer sends it behind the collector\'s back');
  w.failing.clear();
  await collect(p, clock, security([finding('f-1', 9, clock.now())]), MINUTE);
  t.equal(p.ses.sent.length, 1, 'the next collection (its watermark did not move) records and sends it');
  await collect(p, clock, security([finding('f-1', 9, clock.now())]), MINUTE);
  t.equal(p.ses.sent.length, 1, 'once');
});

t.test('account access: the owners get one email when a permission goes missing and one when it works again', async (t) => {
  const { clock, world: w } = world();
  w.addUser('owner@example.com', { critical: false, costTips: false });
  const member = w.addUser('member@example.com');
  member.role = 'member';
  const p = startProcess(w, clock);
  t.teardown(() => p.stop());
  const iso = () => new Date(clock.now()).toISOString();
  const since = iso();
  const deniedStatus = (): RunStatus => ({
    tenantId: TENANT,
    accountId: ACCOUNT,
    collector: 'cost',
    accountRevision: 1,
    lastRunAt: iso(),
    steps: [
      { step: 'GetCostAndUsage', operation: 'GetCostAndUsage', lastAttemptAt: iso(), lastSuccessAt: iso() },
      {
        step: 'GetRightsizingRecommendation',
        operation: 'GetRightsizingRecommendation',
        lastAttemptAt: iso(),
        error: { kind: 'permission', code: 'AccessDeniedException', action: 'ce:GetRightsizingRecommendation', message: 'x', at: iso(), since },
      },
    ],
  });
  const first = deniedStatus();
  await p.dispatcher.onRunStatus(first, undefined);
  await clock.advance(10_000);
  t.equal(p.ses.sent.length, 1, 'one email');
  t.equal(p.ses.sent[0]!.to, 'owner@example.com', 'to the owner only, whatever their alert preferences');
  t.match(p.ses.sent[0]!.subject, /production is missing permission ce:GetRightsizingRecommendation/);
  t.match(p.ses.sent[0]!.text, /everything else keeps running/);

  await clock.advance(15 * MINUTE);
  const second = deniedStatus();
  await p.dispatcher.onRunStatus(second, first);
  const other = startProcess(w, clock);
  t.teardown(() => other.stop());
  await other.dispatcher.onRunStatus(second, first);
  await clock.advance(10_000);
  t.equal(p.ses.sent.length + other.ses.sent.length, 1, 'the same problem seen again, here or on another instance, sends nothing more');

  await clock.advance(15 * MINUTE);
  const fixed: RunStatus = { ...second, lastRunAt: iso(), steps: second.steps.map((s) => ({ step: s.step, operation: s.operation, lastAttemptAt: iso(), lastSuccessAt: iso() })) };
  await p.dispatcher.onRunStatus(fixed, second);
  await p.dispatcher.onRunStatus(fixed, second);
  await clock.advance(10_000);
  t.equal(p.ses.sent.length, 2, 'one more when it works again');
  t.match(p.ses.sent[1]!.subject, /Permission ce:GetRightsizingRecommendation works again/);
});
