import t from 'tap';
import { harness, MINUTE, type Harness } from '../support/harness.js';
import { makeTenant } from '../support/fakes.js';

/** Advance in 5 s steps until the cloudwatch breaker shows `state` (at most `withinMs`). */
async function until(h: Harness, state: string, withinMs: number): Promise<void> {
  for (let waited = 0; waited < withinMs && h.runtime.registry.get('acme')?.breakers.cloudwatch !== state; waited += 5_000) await h.clock.advance(5_000);
}

t.test('a breaker opens after repeated transient failures and recovers through half-open', async (t) => {
  // The reset timer runs on the runtime's clock. Half a minute off the minute ticks, so the
  // half-open state can be seen before the next run's trial call.
  const resetTimeoutMs = 5 * MINUTE + 30_000;
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
  await until(h, 'halfOpen', resetTimeoutMs);
  t.equal(health.breakers.cloudwatch, 'halfOpen', 'after the reset timeout: half-open');
  t.equal(h.fake.callsFor('333333333333', 'cloudwatch'), callsWhileOpen, 'still no call until the trial');
  await h.clock.advance(MINUTE);
  t.equal(health.breakers.cloudwatch, 'closed', 'the trial call succeeded');
  t.ok(h.fake.callsFor('333333333333', 'cloudwatch') > callsWhileOpen);
  t.ok(h.runtime.registry.collector('acme', 'metrics')!.lastSuccessAt, 'collection succeeds again');
});

t.test('a failed trial call in half-open opens the breaker again', async (t) => {
  // 90 s: off the minute ticks, so half-open is seen before the trial call.
  const h = harness({
    intervalsMs: { metrics: MINUTE, security: 60 * MINUTE, cost: 60 * MINUTE },
    breaker: { volumeThreshold: 3, resetTimeoutMs: 90_000, rollingCountTimeoutMs: 10 * MINUTE },
  });
  t.teardown(() => h.stop());
  h.source.put(makeTenant('acme', { awsAccountIds: ['333333333333'] }));
  h.fake.behaviour.set('333333333333', 'transient');
  await h.runtime.start();
  await until(h, 'open', 3 * MINUTE);
  // Snapshots: read again after every step.
  const health = { get breakers() { return h.runtime.registry.get('acme')!.breakers; }, get collectors() { return h.runtime.registry.get('acme')!.collectors; } };
  t.equal(health.breakers.cloudwatch, 'open');
  await until(h, 'halfOpen', 2 * MINUTE);
  t.equal(health.breakers.cloudwatch, 'halfOpen');
  const before = h.fake.callsFor('333333333333', 'cloudwatch');
  await h.clock.advance(MINUTE);
  t.equal(h.fake.callsFor('333333333333', 'cloudwatch'), before + 1, 'exactly one trial call');
  t.equal(health.breakers.cloudwatch, 'open', 'it failed: open again');
});

t.test('after a long healthy history, failures in a row open the breaker at once (issue 17)', async (t) => {
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
  t.ok(failed >= 5 && failed <= 5 + 4, `it took ${failed} failed calls (${healthyCalls} successes in the window)`);
});
