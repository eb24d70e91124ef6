/** The daily digest: at each user's hour in their zone, once a day across instances and restarts. */
import t from 'tap';
import { ManualClock } from '../../src/actors/index.js';
import { silentLogger } from '../../src/log.js';
import type { DailyDigestData } from '../../src/mail/daily-digest-email.js';
import { createDigestScheduler } from '../../src/mail/digest-scheduler.js';
import { localTime } from '../../src/mail/local-time.js';
import type { UserRecord } from '../../src/store/index.js';
import { MemoryMailWorld } from './fixtures/memory-mail.js';
import { startProcess, type MailProcess } from './fixtures/pipeline.js';

const HOUR = 3_600_000;
/** Monday 2 November 2026, 00:00 UTC (New York is on EST since 1 November). */
const START = Date.UTC(2026, 10, 2, 0, 0, 0);

function setup(start = START) {
  const clock = new ManualClock(start);
  const w = new MemoryMailWorld(() => clock.now());
  const alice = w.addUser('alice@example.com', { dailyDigest: true });
  const bob = w.addUser('bob@example.com', { dailyDigest: true });
  w.addUser('carol@example.com', { dailyDigest: false });
  w.addUser('dave@example.com', { dailyDigest: true }, false);
  const zones: Record<string, { hour: number; timezone: string }> = {
    [alice.id]: { hour: 8, timezone: 'Europe/Berlin' },
    [bob.id]: { hour: 8, timezone: 'America/New_York' },
  };
  const loads: number[] = [];
  const scheduler = (p: MailProcess) =>
    createDigestScheduler({
      tenants: { listTenants: async function* () { yield w.tenant; } },
      users: w.stores().users,
      scheduleOf: (user: UserRecord) => zones[user.id] ?? { hour: 8, timezone: 'UTC' },
      load: async (tenant, now): Promise<DailyDigestData> => {
        loads.push(now);
        return { tenantName: tenant.name, day: new Date(now - 86_400_000).toISOString().slice(0, 10), findings: { newByBand: { high: 2 }, openHighOrCritical: 3 }, recommendations: [{ title: 'Stop <idle> i-1', priority: 'high', category: 'cost', estimatedMonthlySavingUsd: 42 }] };
      },
      delivery: p.delivery,
      log: silentLogger(),
      clock: { now: () => clock.now(), setTimer: (fn, ms) => clock.setTimer(fn, ms) },
    });
  return { clock, w, alice, bob, loads, scheduler };
}

t.test('local time in a zone; an unknown zone counts as UTC', async (t) => {
  t.same(localTime(Date.UTC(2026, 10, 2, 7, 0), 'Europe/Berlin'), { date: '2026-11-02', hour: 8 });
  t.same(localTime(Date.UTC(2026, 10, 2, 3, 0), 'America/New_York'), { date: '2026-11-01', hour: 22 });
  t.same(localTime(Date.UTC(2026, 10, 2, 3, 0), 'Asia/Kolkata'), { date: '2026-11-02', hour: 8 });
  t.same(localTime(Date.UTC(2026, 10, 2, 3, 0), 'Not/AZone'), { date: '2026-11-02', hour: 3 });
});

t.test('each opted-in, verified user gets one digest a day at their hour, from two instances at once', async (t) => {
  const { clock, w, loads, scheduler } = setup();
  const p1 = startProcess(w, clock);
  const p2 = startProcess(w, clock, { ses: p1.ses });
  const s1 = scheduler(p1);
  const s2 = scheduler(p2);
  t.teardown(async () => {
    await Promise.all([s1.stop(), s2.stop()]);
    await Promise.all([p1.stop(), p2.stop()]);
  });
  s1.start();
  s2.start();
  const sent = () => p1.ses.sent.map((m) => `${m.to} ${new Date(m.at).toISOString().slice(0, 13)}`);
  await clock.advance(6 * HOUR + 59 * 60_000);
  t.same(sent(), [], 'nobody before 8:00 in their zone');
  t.equal(loads.length, 0, 'no tenant data is read while nobody is due');
  await clock.advance(2 * 60_000);
  t.same(sent(), ['alice@example.com 2026-11-02T07'], '8:00 in Berlin is 7:00 UTC; two instances, one email');
  await clock.advance(6 * HOUR);
  t.same(sent(), ['alice@example.com 2026-11-02T07', 'bob@example.com 2026-11-02T13'], '8:00 in New York is 13:00 UTC');
  await clock.advance(24 * HOUR);
  t.same(sent().slice(2), ['alice@example.com 2026-11-03T07', 'bob@example.com 2026-11-03T13'], 'and again the next day, once');
  const [digest] = p1.ses.sent;
  t.match(digest!.subject, /Daily digest for Acme <Corp>, 2026-11-01/);
  t.match(digest!.html, /Stop &lt;idle&gt; i-1 \(save ~\$42\.00\/month\)/);
  t.match(digest!.text, /New findings: 2 high\. Open high or critical: 3\./);
  t.equal(w.items.size, 0);
  t.ok([...w.markers.keys()].includes('t-acme/digest#2026-11-02#u-1'), 'claimed per local date and user');
});

t.test('a restart within three hours of the digest hour still sends it; later it waits for tomorrow', async (t) => {
  for (const [late, expected] of [
    [2.5, 1],
    [3.5, 0],
  ] as const) {
    const { clock, w, scheduler } = setup(START + 7 * HOUR + late * HOUR);
    const p = startProcess(w, clock);
    const s = scheduler(p);
    s.start();
    await clock.advance(10_000);
    t.equal(p.ses.sent.filter((m) => m.to === 'alice@example.com').length, expected, `${late} h late`);
    await s.stop();
    await p.stop();
  }
});

t.test('a digest caught up after local midnight is the previous day\'s, not a second one', async (t) => {
  const { clock, w, alice } = setup(Date.UTC(2026, 10, 2, 22, 0));
  const p = startProcess(w, clock);
  t.teardown(() => p.stop());
  // Alice wants it at 23:00 Berlin (22:00 UTC); a restarted instance checks again at 00:30 local.
  const start = () =>
    createDigestScheduler({
      tenants: { listTenants: async function* () { yield w.tenant; } },
      users: w.stores().users,
      scheduleOf: (u) => (u.id === alice.id ? { hour: 23, timezone: 'Europe/Berlin' } : { hour: 3, timezone: 'UTC' }),
      load: async (tenant) => ({ tenantName: tenant.name, day: 'x', findings: { newByBand: {}, openHighOrCritical: 0 }, recommendations: [] }),
      delivery: p.delivery,
      log: silentLogger(),
      clock: { now: () => clock.now(), setTimer: (fn, ms) => clock.setTimer(fn, ms) },
    });
  const first = start();
  first.start();
  await clock.advance(60_000);
  await first.stop();
  t.equal(p.ses.sent.filter((m) => m.to === 'alice@example.com').length, 1, 'sent at 23:00 local');
  await clock.advance(90 * 60_000);
  t.equal(localTime(clock.now(), 'Europe/Berlin').date, '2026-11-03', 'past local midnight');
  const second = start();
  t.teardown(() => second.stop());
  second.start();
  await clock.advance(60_000);
  t.equal(p.ses.sent.filter((m) => m.to === 'alice@example.com').length, 1, 'the restart catches up on 2 November\'s digest, which is claimed');
  t.ok(w.markers.has('t-acme/digest#2026-11-02#u-1'));
  t.notOk(w.markers.has('t-acme/digest#2026-11-03#u-1'));
});
