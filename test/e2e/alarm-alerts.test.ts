/**
 * Issue 11, CloudWatch alarm alerts, end to end on the real store, runtime, SDK clients and this
 * test's simulator: the demo account's flapping Lambda alarm changes state every few seconds (by
 * the simulator's clock); each entry into ALARM is mailed once to the user who wants alarms, a
 * return to OK only to the user who asked for recoveries, across a restart of the service on the
 * same DATA_DIR; the transitions are kept as the tenant's alarm history.
 */
import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { DEMO_SENDER, demoAwsAccountId, demoSimOptions } from '../../src/service/demo-seed.js';
import { startService, type Service } from '../../src/service/start-service.js';
import { startSimulator } from '../../src/sim/index.js';
import { TEST_SCRYPT } from '../store/fixtures/store.js';

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

t.test('each alarm transition is mailed once, by preference, across a restart; the history keeps it', async (t) => {
  const FLAP_MS = 4_000;
  const account = demoAwsAccountId(0, 0);
  const options = demoSimOptions(1, DEMO_SENDER);
  const sim = await startSimulator({ seed: 1, ...options, accounts: { ...options.accounts, [account]: { ...options.accounts?.[account], alarmFlapMs: FLAP_MS } } });
  t.teardown(() => sim.close());
  const dataDir = await mkdtemp(join(tmpdir(), 'cloud-health-alarms-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const config = loadConfig({
    MODE: 'demo',
    PORT: '0',
    DATA_DIR: dataDir,
    DEMO_TENANTS: '1',
    SECURITY_INTERVAL: '30m',
    METRICS_INTERVAL: '1s',
    COST_INTERVAL: '30m',
    STARTUP_SPREAD: '100ms',
    SHUTDOWN_DEADLINE: '3s',
  });
  const start = () => startService(config, silentLogger(), { store: { scrypt: TEST_SCRYPT }, mailer: { batchWindowMs: 200 }, simEndpoint: sim.endpoint });
  let service: Service = await start();
  t.teardown(() => service.stop());
  const owner = (await service.store.users.findByEmail('demo1@example.com'))!;
  const tenantId = owner.tenantId;
  // A second user who wants recoveries too, and turned finding and cost mail off.
  const second = await service.store.users.create({ tenantId, email: 'sre@example.com', password: 'a long enough password', role: 'member' });
  t.ok(await service.store.users.markEmailVerified(tenantId, second.id, 'sre@example.com'), 'a second, verified user');
  await service.store.users.updatePreferences(tenantId, second.id, { alarmRecovered: true, critical: false, costTips: false });

  let outbox = () => sim.outbox();
  const alarmMail = (to: string) => outbox().filter((m) => m.to.includes(to) && /Alarm lambda-errors-|alarm changes/.test(m.subject));
  const fired = (to: string) => alarmMail(to).filter((m) => /is in ALARM|in ALARM\)/.test(m.subject) || (m.text ?? '').includes('is in ALARM'));
  await until('a first alarm email', () => alarmMail('demo1@example.com').length > 0);
  await service.stop();
  const beforeRestart = alarmMail('demo1@example.com').length;
  service = await start();
  await until('more alarm emails after the restart', () => alarmMail('demo1@example.com').length > beforeRestart);
  await sleep(2 * FLAP_MS);
  await service.stop();
  // The mail checks below count what the two services sent. The service started to read the
  // history collects too: a firing it records after the read and mails before its stop is in no
  // history read here (so the 'every mailed firing is in the history' check failed once, 2026-12-03).
  const sent = sim.outbox();
  outbox = () => sent;

  const history = await (async () => {
    const s = await start();
    try {
      return await s.store.alarmHistory.list(tenantId, 0);
    } finally {
      await s.stop();
    }
  })();
  const transitions = history.filter((h) => h.name.startsWith('lambda-errors-'));
  const firedTimes = transitions.filter((h) => h.to === 'ALARM' && h.from !== undefined).map((h) => h.at);
  const recoveredTimes = transitions.filter((h) => h.from === 'ALARM' && h.to === 'OK').map((h) => h.at);
  t.ok(firedTimes.length + recoveredTimes.length >= 2, `the history holds the transitions (${transitions.length})`);

  // Every transition in ALARM appears in exactly one email per recipient; recoveries only for the second user.
  const lines = (to: string, word: string) =>
    alarmMail(to).flatMap((m) => (m.text ?? '').split('\n').filter((l) => l.includes(word)));
  const ownerFired = lines('demo1@example.com', 'is in ALARM');
  const ownerRecovered = lines('demo1@example.com', 'is OK again');
  t.equal(ownerRecovered.length, 0, 'the owner did not ask for recoveries');
  t.ok(fired('demo1@example.com').length > 0, 'the owner was told of alarms entering ALARM');
  // An item is its headline and the line under it (alarm, account, region, metric, since when).
  const sinceLines = (to: string) =>
    alarmMail(to).flatMap((m) => {
      const text = (m.text ?? '').split('\n');
      return text.flatMap((l, i) => (l.startsWith('- Alarm ') ? [`${l} | ${text[i + 1] ?? ''}`] : []));
    });
  const ownerSince = sinceLines('demo1@example.com');
  t.equal(new Set(ownerSince).size, ownerSince.length, `no transition mailed twice to the owner (${ownerSince.length})`);
  t.equal(ownerFired.length, ownerSince.length);
  const sreSince = sinceLines('sre@example.com');
  t.equal(new Set(sreSince).size, sreSince.length, `nor to the second user (${sreSince.length})`);
  t.ok(lines('sre@example.com', 'is OK again').length > 0 || recoveredTimes.length === 0, 'the second user hears of recoveries');
  // Each mailed firing is a stored transition.
  // With the figures in the message: it failed once under load (2026-12-03), and the numbers tell a lost record from a firing stored without a previous state.
  t.ok(
    firedTimes.length >= ownerFired.length,
    `every mailed firing is in the history (${firedTimes.length} stored firings with a previous state, ${ownerFired.length} mailed; stored: ${JSON.stringify(transitions.map((h) => [h.at, h.from ?? null, h.to]))}; mailed: ${JSON.stringify(ownerFired)})`,
  );
});
