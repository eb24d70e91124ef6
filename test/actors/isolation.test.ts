import t from 'tap';
import { hash32 } from '../../src/actors/services.js';
import { defaultJobs } from '../../src/collectors/index.js';
import { harness, MINUTE } from '../support/harness.js';
import { makeTenant } from '../support/fakes.js';

const metricsJob = defaultJobs().metrics;

t.test('a tenant whose collectors all fail does not delay or disturb 100 healthy tenants', async (t) => {
  const h = harness({
    latencyMs: 200,
    intervalsMs: { metrics: 5 * MINUTE, security: 5 * MINUTE, cost: 60 * MINUTE },
    maxInflight: 16,
    breaker: { callTimeoutMs: 30_000 },
    specs: { collector: { backoff: { minMs: 1_000, maxMs: 10_000, jitter: 0 }, intensity: { maxRestarts: 3, withinMs: 3_600_000 } } },
    jobs: {
      // The bad tenant's metrics job is buggy; its other collectors' AWS calls hang until timeout.
      metrics: async (ctx) => {
        if (ctx.tenantId === 'bad') throw new RangeError('bad data');
        return metricsJob(ctx);
      },
    },
  });
  t.teardown(() => h.stop());
  const healthy = Array.from({ length: 100 }, (_, i) => `t${String(i).padStart(3, '0')}`);
  for (const id of healthy) h.source.put(makeTenant(id));
  h.source.put(makeTenant('bad', { accounts: 3 }));
  for (let i = 0; i < 3; i++) h.fake.behaviour.set(`bad-aws-${i}`, 'hang');
  await h.runtime.start();

  await h.clock.advance(31 * MINUTE);
  const end = h.clock.now();

  for (const id of healthy) {
    const m = h.runtime.registry.collector(id, 'metrics')!;
    const s = h.runtime.registry.collector(id, 'security')!;
    t.ok(m.runs >= 6 && s.runs >= 6, `${id} ran every 5 min (metrics ${m.runs}, security ${s.runs})`);
    t.equal(m.failures.bug ?? 0, 0);
    t.equal(Object.keys(s.failures).length, 0, `${id} security never failed`);
    // Each run started exactly at its slot and the latest slot was not missed: no queueing
    // behind the bad tenant.
    const phase = hash32(`${id}:metrics`) % (5 * MINUTE);
    t.equal((m.lastSuccessAt! - phase) % (5 * MINUTE), 0, `${id} metrics ran on its slots`);
    t.equal((m.lastRunAt! - phase) % (5 * MINUTE), 0);
    t.ok(end - m.lastRunAt! < 5 * MINUTE, `${id} metrics started its latest slot`);
    t.ok(end - m.lastSuccessAt! < 10 * MINUTE, `${id} metrics succeeded at its latest or previous slot`);
    // Two 200 ms calls (discovery is cached): never queued behind the bad tenant's hung calls.
    t.ok(m.lastDurationMs! <= 1_000, `${id} metrics run took ${m.lastDurationMs} ms`);
  }
  const bad = h.runtime.registry.get('bad')!;
  t.equal(bad.collectors.metrics!.state, 'parked', 'the buggy collector is parked');
  t.ok((bad.collectors.security!.failures.timeout ?? 0) > 0, 'hanging calls end at the call deadline');
  t.equal(bad.state, 'running', 'the tenant actor itself survives');
  t.equal(h.runtime.registry.summary().tenants.running, 101);
});
