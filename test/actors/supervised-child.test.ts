import t from 'tap';
import { Scheduler } from '../../src/actors/clock.js';
import { HealthRegistry } from '../../src/actors/health-registry.js';
import type { ChildSpec } from '../../src/actors/restart-policy.js';
import { SupervisedChild } from '../../src/actors/supervised-child.js';
import { ManualClock } from '../../src/domain/manual-clock.js';

const spec: ChildSpec = {
  restart: 'permanent',
  backoff: { minMs: 1_000, maxMs: 8_000, jitter: 0 },
  intensity: { maxRestarts: 2, withinMs: 60_000 },
  stableAfterMs: 30_000,
  parkMs: 600_000,
};

function child(overrides: Partial<ChildSpec> = {}) {
  const clock = new ManualClock(0);
  const scheduler = new Scheduler(clock);
  const restarts: boolean[] = [];
  const keys: string[] = [];
  const options = {
    spec: { ...spec, ...overrides },
    scheduler,
    random: () => 0,
    requestRestart: (fresh: boolean, key: string) => {
      restarts.push(fresh);
      keys.push(key);
    },
  };
  const supervised = new SupervisedChild<string, string>(options, 'child-a');
  return { clock, scheduler, restarts, keys, supervised };
}

t.test('running -> backoff until -> running -> parked until -> fresh start', async (t) => {
  const { clock, restarts, keys, supervised } = child();
  t.same(supervised.state, { kind: 'stopped' }, 'nothing started yet');
  supervised.start(() => 'ref-1');
  t.same(supervised.state, { kind: 'running' });
  t.ok(supervised.isCurrent('ref-1'));
  t.same(supervised.exited(true), { kind: 'backoff', until: 1_000, attempt: 0 });
  t.equal(supervised.ref, undefined);
  t.notOk(supervised.isCurrent('ref-1'), 'a late report from the dead incarnation is not current');
  await clock.advance(999);
  t.same(restarts, [], 'no restart before the backoff ends');
  await clock.advance(1);
  t.same(restarts, [false], 'restart requested at the end of the backoff');
  t.same(keys, ['child-a'], 'naming the child (one set of options serves many children)');
  supervised.start(() => 'ref-2');
  t.same(supervised.exited(true), { kind: 'backoff', until: 1_000 + 2_000, attempt: 1 }, 'doubled');
  supervised.start(() => 'ref-3');
  t.same(supervised.exited(true), { kind: 'parked', until: 1_000 + 600_000 }, 'past its intensity: parked');
  await clock.advance(600_000);
  t.same(restarts, [false, true, true].slice(0, restarts.length), 'a park ends with a fresh start');
  t.equal(restarts.at(-1), true);
});

t.test('stop cancels a pending restart', async (t) => {
  const { clock, scheduler, restarts, supervised } = child();
  supervised.start(() => 'ref');
  supervised.exited(true);
  t.equal(scheduler.pending, 1);
  supervised.stop();
  t.same(supervised.state, { kind: 'stopped' });
  t.equal(scheduler.pending, 0);
  await clock.advance(10_000);
  t.same(restarts, []);
});

t.test('restart types: a temporary child is never restarted; a transient one only after a crash', async (t) => {
  const temporary = child({ restart: 'temporary' });
  temporary.supervised.start(() => 'ref');
  t.same(temporary.supervised.exited(true), { kind: 'stopped' }, 'temporary: crashed, stays stopped');
  await temporary.clock.advance(60_000);
  t.same(temporary.restarts, []);

  const transient = child({ restart: 'transient' });
  transient.supervised.start(() => 'ref');
  t.same(transient.supervised.exited(false), { kind: 'stopped' }, 'transient: a normal exit is left');
  transient.supervised.start(() => 'ref-2');
  t.equal(transient.supervised.exited(true).kind, 'backoff', 'transient: a crash is restarted');
});

t.test('the registry mirrors supervision and hands out snapshots only', async (t) => {
  const registry = new HealthRegistry({ now: () => 0 });
  registry.tenantStarted('a');
  const crash = { kind: 'bug' as const, code: 'TypeError', message: 'boom', at: 0 };
  registry.tenantSupervised('a', { kind: 'backoff', until: 1_000, attempt: 0 }, crash);
  t.match(registry.get('a'), { state: 'backoff', restarts: 1, lastError: { code: 'TypeError' } });
  registry.tenantSupervised('a', { kind: 'parked', until: 9_000 });
  t.match(registry.get('a'), { state: 'parked', parkedUntil: 9_000 });
  const snapshot = registry.get('a')!;
  snapshot.state = 'running';
  snapshot.breakers.ce = 'open';
  t.equal(registry.get('a')!.state, 'parked', 'changing a snapshot changes nothing');
  t.equal(registry.get('a')!.breakers.ce, undefined);
  registry.tenantStarted('a');
  t.equal(registry.get('a')!.parkedUntil, undefined, 'a new incarnation is not parked');
  t.equal(registry.counters().tenantRestarts, 1);
});

t.test('fleet lag: overdue collectors and late runs make the fleet behind', async (t) => {
  let now = 100_000;
  const registry = new HealthRegistry({ now: () => now, lag: { graceMs: 1_000, windowMs: 60_000, behindShare: 0.1, minRuns: 4 } });
  for (let i = 0; i < 10; i++) registry.collectorScheduled(`t${i}`, 'metrics', now + 10_000);
  t.match(registry.lag(), { overdue: 0, collectors: 10, oldestOverdueMs: 0, behind: false }, 'on time');
  now += 10_500;
  t.match(registry.lag(), { overdue: 0 }, 'within the grace');
  // One collector's tick is not served for 30 s: 10% overdue.
  for (let i = 1; i < 10; i++) registry.collectorRunStarted(`t${i}`, 'metrics', now, now + 10_000);
  now += 30_000;
  t.match(registry.lag(), { overdue: 10, oldestOverdueMs: 30_500, behind: true }, 'runs going on past their next slot are overdue too');
  for (let i = 1; i < 10; i++) registry.collectorRunEnded(`t${i}`, 'metrics', { startedAt: now - 30_000, endedAt: now, nextDueAt: now - 20_000, accountErrors: {} });
  for (let i = 1; i < 10; i++) registry.collectorScheduled(`t${i}`, 'metrics', now + 10_000);
  const lag = registry.lag();
  t.equal(lag.overdue, 1);
  t.equal(lag.lateShare, 1, 'every run that ended was late');
  t.ok(lag.behind);
  t.equal(registry.counters().collectorRunsLate.metrics, 9);
  now += 200_000;
  for (let i = 0; i < 10; i++) registry.collectorScheduled(`t${i}`, 'metrics', now + 10_000);
  t.match(registry.lag(), { overdue: 0, lateShare: 0, recentRuns: 0, behind: false }, 'late runs leave the window');
});
