import t from 'tap';
import FakeTimers from '@sinonjs/fake-timers';
import { SharedAwsLimits, TenantAwsAccess } from '../../src/actors/aws-access.js';
import { Scheduler } from '../../src/actors/clock.js';
import { BreakerOpenError } from '../../src/actors/failure.js';
import { HealthRegistry } from '../../src/actors/health-registry.js';
import { ManualClock } from '../../src/actors/index.js';
import { AwsCallError } from '../../src/domain/errors.js';
import { harness, MINUTE } from '../support/harness.js';
import { makeTenant } from '../support/fakes.js';

t.test('a breaker opens after repeated transient failures and recovers through half-open', async (t) => {
  // opossum takes no injected clock: its reset timer is the global setTimeout, faked here so
  // the test decides when the reset timeout has passed. The runtime runs on its ManualClock
  // (which yields with setImmediate, left real).
  const timers = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
  t.teardown(() => timers.uninstall());
  const resetTimeoutMs = 5 * MINUTE;
  const h = harness({
    intervalsMs: { metrics: MINUTE, security: 60 * MINUTE, cost: 60 * MINUTE },
    breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs, rollingCountTimeoutMs: 10 * MINUTE },
  });
  t.teardown(() => h.stop());
  h.source.put(makeTenant('acme', { awsAccountIds: ['333333333333'] }));
  h.fake.behaviour.set('333333333333', 'transient');
  await h.runtime.start();
  await h.clock.advance(3 * MINUTE);

  // Snapshots: read again after every step.
  const health = { get breakers() { return h.runtime.registry.get('acme')!.breakers; }, get collectors() { return h.runtime.registry.get('acme')!.collectors; } };
  t.equal(health.breakers.cloudwatch, 'open', 'cloudwatch breaker open');
  const m = health.collectors.metrics!;
  t.ok((m.failures.transient ?? 0) >= 2, 'the runs that opened it were recorded as transient');
  const callsWhileOpen = h.fake.callsFor('333333333333', 'cloudwatch');
  t.equal(callsWhileOpen, 3, 'it opened at its volume threshold: 3 failed calls (each step of a run is one)');
  await h.clock.advance(2 * MINUTE);
  t.ok((h.runtime.registry.collector('acme', 'metrics')!.failures.breaker_open ?? 0) >= 1, 'runs fail fast on the open breaker');
  t.equal(h.fake.callsFor('333333333333', 'cloudwatch'), callsWhileOpen, 'no calls reach AWS while open');
  t.equal(h.runtime.registry.collector('acme', 'metrics')!.restarts, 0, 'classified failures are not crashes');

  h.fake.behaviour.delete('333333333333');
  timers.tick(resetTimeoutMs);
  t.equal(health.breakers.cloudwatch, 'halfOpen', 'after the reset timeout: half-open');
  await h.clock.advance(MINUTE);
  t.equal(health.breakers.cloudwatch, 'closed', 'the trial call succeeded');
  t.ok(h.fake.callsFor('333333333333', 'cloudwatch') > callsWhileOpen);
  t.ok(h.runtime.registry.collector('acme', 'metrics')!.lastSuccessAt, 'collection succeeds again');
});

t.test('a failed trial call in half-open opens the breaker again', async (t) => {
  const timers = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
  t.teardown(() => timers.uninstall());
  const h = harness({
    intervalsMs: { metrics: MINUTE, security: 60 * MINUTE, cost: 60 * MINUTE },
    breaker: { volumeThreshold: 3, resetTimeoutMs: MINUTE, rollingCountTimeoutMs: 10 * MINUTE },
  });
  t.teardown(() => h.stop());
  h.source.put(makeTenant('acme', { awsAccountIds: ['333333333333'] }));
  h.fake.behaviour.set('333333333333', 'transient');
  await h.runtime.start();
  await h.clock.advance(3 * MINUTE);
  // Snapshots: read again after every step.
  const health = { get breakers() { return h.runtime.registry.get('acme')!.breakers; }, get collectors() { return h.runtime.registry.get('acme')!.collectors; } };
  t.equal(health.breakers.cloudwatch, 'open');
  timers.tick(MINUTE);
  t.equal(health.breakers.cloudwatch, 'halfOpen');
  const before = h.fake.callsFor('333333333333', 'cloudwatch');
  await h.clock.advance(MINUTE);
  t.equal(h.fake.callsFor('333333333333', 'cloudwatch'), before + 1, 'exactly one trial call');
  t.equal(health.breakers.cloudwatch, 'open', 'it failed: open again');
});

t.test('after a long healthy history, failures in a row open the breaker at once (issue 17)', async (t) => {
  const timers = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
  t.teardown(() => timers.uninstall());
  const h = harness({
    intervalsMs: { metrics: MINUTE, security: 60 * MINUTE, cost: 60 * MINUTE },
    // The production window: 30 minutes, 50 %.
    breaker: { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 5 * MINUTE, rollingCountTimeoutMs: 30 * MINUTE, consecutiveFailures: 5 },
  });
  t.teardown(() => h.stop());
  h.source.put(makeTenant('acme', { awsAccountIds: ['333333333333'] }));
  await h.runtime.start();
  await h.clock.advance(25 * MINUTE);
  const healthyCalls = h.fake.callsFor('333333333333', 'cloudwatch');
  t.ok(healthyCalls >= 20, `a healthy history fills the window (${healthyCalls} successful calls)`);
  t.equal(h.runtime.registry.get('acme')!.breakers.cloudwatch, 'closed');

  h.fake.behaviour.set('333333333333', 'transient');
  for (let minute = 0; minute < 10 && h.runtime.registry.get('acme')!.breakers.cloudwatch !== 'open'; minute++) await h.clock.advance(MINUTE);
  const failed = h.fake.callsFor('333333333333', 'cloudwatch') - healthyCalls;
  t.equal(h.runtime.registry.get('acme')!.breakers.cloudwatch, 'open', 'the breaker opened although the window still holds mostly successes');
  // At most the threshold plus the calls already in flight when it opened (per-service concurrency 4).
  // A breaker left healthy when its tenant's last run ended is dropped (its successes forgotten),
  // so here the volume threshold's 4 failures at 100 % can open it before the run of 5 does.
  t.ok(failed >= 4 && failed <= 5 + 4, `it took ${failed} failed calls (${healthyCalls} successes before)`);
});

t.test('a breaker is held only while it has something to say: none for healthy calls, made at the first counted failure, dropped closed and clean when the tenant has no run in flight', async (t) => {
  const scheduler = new Scheduler(new ManualClock());
  const shared = new SharedAwsLimits(scheduler, { maxInflight: 4 });
  t.teardown(() => shared.close());
  const registry = new HealthRegistry();
  const access = new TenantAwsAccess('acme', shared, registry);
  t.teardown(() => access.shutdown());
  const ok = async () => 'ok';
  const transient = async () => {
    throw new AwsCallError('transient', 'cloudwatch', 'InternalFailure', 'try again');
  };
  const denied = async () => {
    throw new AwsCallError('permission', 'ce', 'AccessDeniedException', 'no');
  };

  const first = access.openRun();
  const second = access.openRun();
  await access.callWithin('cloudwatch', first, ok);
  t.same(access.states(), {}, 'a healthy call makes no breaker');
  t.equal(registry.get('acme')!.breakers.cloudwatch, 'closed', 'its service is reported closed');
  await t.rejects(access.callWithin('ce', first, denied));
  t.same(access.states(), {}, 'a failure that says nothing about the service makes none either');
  await t.rejects(access.callWithin('guardduty', second, transient));
  await access.callWithin('guardduty', second, ok);
  t.same(access.states(), { guardduty: 'closed' }, 'a counted failure made the breaker; later calls go through it');
  first.close();
  second.close();
  t.same(access.states(), { guardduty: 'closed' }, 'the one with a failure in its window is kept when the runs end');

  const third = access.openRun();
  for (let i = 0; i < 4; i++) await t.rejects(access.callWithin('cloudwatch', third, transient));
  t.equal(access.states().cloudwatch, 'open', 'failures without a breaker before them count in the one they make (4 of 4 open it)');
  await t.rejects(access.callWithin('cloudwatch', third, ok), BreakerOpenError, 'an open breaker refuses without calling');
  t.equal(registry.get('acme')!.breakers.cloudwatch, 'open', 'the registry hears it open');
  third.close();
  t.same(Object.keys(access.states()).sort(), ['cloudwatch', 'guardduty'], 'a breaker that failed is kept');
});
