import t from 'tap';
import { RestartPolicy, type ChildSpec } from '../../src/actors/restart-policy.js';

const spec: ChildSpec = {
  restart: 'permanent',
  backoff: { minMs: 1_000, maxMs: 8_000, jitter: 0.5 },
  intensity: { maxRestarts: 3, withinMs: 60_000 },
  stableAfterMs: 30_000,
  parkMs: 600_000,
};

t.test('backoff doubles from min up to max, with jitter on top', async (t) => {
  const policy = new RestartPolicy({ ...spec, intensity: { maxRestarts: 100, withinMs: 60_000 } }, 0, () => 0);
  const delays = [0, 1, 2, 3, 4, 5].map((n) => policy.delayFor(n));
  t.same(delays, [1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  const jittered = new RestartPolicy(spec, 0, () => 1);
  t.equal(jittered.delayFor(0), 1_500, 'rand=1 adds the full jitter fraction');
});

t.test('past its intensity a child is parked for parkMs', async (t) => {
  const policy = new RestartPolicy(spec, 0, () => 0);
  t.same(policy.onExit(true, 1_000), { action: 'restart', delayMs: 1_000, attempt: 0 });
  t.same(policy.onExit(true, 2_000), { action: 'restart', delayMs: 2_000, attempt: 1 });
  t.same(policy.onExit(true, 3_000), { action: 'restart', delayMs: 4_000, attempt: 2 });
  t.same(policy.onExit(true, 4_000), { action: 'park', untilMs: 604_000 });
});

t.test('restarts older than the window do not count', async (t) => {
  const policy = new RestartPolicy(spec, 0, () => 0);
  policy.onExit(true, 0);
  policy.onExit(true, 1_000);
  policy.onExit(true, 2_000);
  const later = policy.onExit(true, 61_000);
  t.equal(later.action, 'restart', 'two of three restarts left the window');
});

t.test('a child that ran stably starts its backoff over', async (t) => {
  const policy = new RestartPolicy({ ...spec, intensity: { maxRestarts: 100, withinMs: 1 } }, 0, () => 0);
  policy.onExit(true, 1_000);
  policy.started(2_000);
  t.match(policy.onExit(true, 3_000), { delayMs: 2_000 }, 'unstable: second attempt');
  policy.started(10_000);
  t.match(policy.onExit(true, 50_000), { delayMs: 1_000 }, 'ran 40 s > stableAfterMs: back to min');
});

t.test('restart types', async (t) => {
  t.same(new RestartPolicy({ ...spec, restart: 'temporary' }, 0).onExit(true, 1), { action: 'leave' });
  t.same(new RestartPolicy({ ...spec, restart: 'transient' }, 0).onExit(false, 1), { action: 'leave' });
  t.equal(new RestartPolicy({ ...spec, restart: 'transient' }, 0, () => 0).onExit(true, 1).action, 'restart');
  t.equal(new RestartPolicy({ ...spec, restart: 'permanent' }, 0, () => 0).onExit(false, 1).action, 'restart');
});

t.test('reset forgets history', async (t) => {
  const policy = new RestartPolicy(spec, 0, () => 0);
  for (let i = 0; i < 3; i++) policy.onExit(true, i);
  t.equal(policy.onExit(true, 10).action, 'park');
  policy.reset(20);
  t.same(policy.onExit(true, 21), { action: 'restart', delayMs: 1_000, attempt: 0 });
});
