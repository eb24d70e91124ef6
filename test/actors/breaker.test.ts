import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { harness, MINUTE } from '../support/harness.js';
import { makeTenant } from '../support/fakes.js';

t.test('a breaker opens after repeated transient failures and recovers through half-open', async (t) => {
  // opossum's reset timer reads the real clock (it takes no injected one), so its reset
  // timeout is 50 ms of real time here; everything else runs on the manual clock.
  const h = harness({
    intervalsMs: { metrics: MINUTE, security: 60 * MINUTE, cost: 60 * MINUTE },
    breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 50, rollingCountTimeoutMs: 10 * MINUTE },
  });
  t.teardown(() => h.stop());
  h.source.put(makeTenant('acme', { awsAccountIds: ['333333333333'] }));
  h.fake.behaviour.set('333333333333', 'transient');
  await h.runtime.start();
  await h.clock.advance(3 * MINUTE);

  const health = h.runtime.registry.get('acme')!;
  t.equal(health.breakers.cloudwatch, 'open', 'cloudwatch breaker open');
  const m = health.collectors.metrics!;
  t.ok((m.failures.transient ?? 0) >= 3, 'the failures that opened it were recorded as transient');
  t.ok((m.failures.breaker_open ?? 0) >= 1, 'later runs fail fast on the open breaker');
  const callsWhileOpen = h.fake.callsFor('333333333333', 'cloudwatch');
  await h.clock.advance(2 * MINUTE);
  t.equal(h.fake.callsFor('333333333333', 'cloudwatch'), callsWhileOpen, 'no calls reach AWS while open');
  t.equal(h.runtime.registry.collector('acme', 'metrics').restarts, 0, 'classified failures are not crashes');

  h.fake.behaviour.delete('333333333333');
  await sleep(80); // past the reset timeout
  t.equal(health.breakers.cloudwatch, 'halfOpen');
  await h.clock.advance(MINUTE);
  t.equal(health.breakers.cloudwatch, 'closed', 'the trial call succeeded');
  t.ok(h.fake.callsFor('333333333333', 'cloudwatch') > callsWhileOpen);
  t.ok(h.runtime.registry.collector('acme', 'metrics').lastSuccessAt, 'collection succeeds again');
});
