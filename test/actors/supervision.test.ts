import t from 'tap';
import { AppError } from '../../src/domain/errors.js';
import type { CollectorJob } from '../../src/collectors/index.js';
import { harness, MINUTE } from '../support/harness.js';
import { makeTenant } from '../support/fakes.js';

/** A metrics job that crashes (a bug) while `crashing` is true, and otherwise succeeds. */
function flakyJob(state: { crashing: boolean; runs: number[] }, clockNow: () => number): CollectorJob {
  return async (ctx) => {
    state.runs.push(clockNow());
    if (state.crashing) throw new TypeError('cannot read properties of undefined');
    return ctx.accounts.map((a) => ({ accountId: a.id, steps: [], stored: true }));
  };
}

t.test('a crashing collector is restarted after a backoff and keeps its schedule', async (t) => {
  const flaky = { crashing: false, runs: [] as number[] };
  let h!: ReturnType<typeof harness>;
  h = harness({
    intervalsMs: { metrics: 10 * MINUTE },
    specs: { collector: { backoff: { minMs: 1_000, maxMs: 60_000, jitter: 0 }, intensity: { maxRestarts: 5, withinMs: 3_600_000 } } },
    jobs: { metrics: flakyJob(flaky, () => h.clock.now()) },
  });
  t.teardown(() => h.stop());
  const t0 = h.clock.now();
  h.source.put(makeTenant('acme'));
  await h.runtime.start();
  await h.clock.advance(0);
  t.same(flaky.runs, [t0], 'first run at start');
  const health = h.runtime.registry.collector('acme', 'metrics')!;
  const slot = health.nextRunAt!;
  t.ok(slot > t0 && slot <= t0 + 10 * MINUTE, 'next run is a slot within one interval');

  flaky.crashing = true;
  await h.clock.advance(slot - h.clock.now());
  t.equal(flaky.runs.at(-1), slot, 'ran at its slot and crashed');
  t.equal(h.runtime.registry.collector('acme', 'metrics')!.state, 'backoff');
  const afterCrash = h.runtime.registry.collector('acme', 'metrics')!;
  t.equal(afterCrash.restarts, 1);
  t.equal(afterCrash.lastError?.kind, 'bug');
  t.equal(afterCrash.lastError?.code, 'TypeError');

  flaky.crashing = false;
  await h.clock.advance(999);
  t.equal(flaky.runs.length, 2, 'no retry before the backoff ends');
  await h.clock.advance(1);
  t.same(flaky.runs.slice(2), [slot + 1_000], 'retried exactly after the 1 s backoff');
  const recovered = h.runtime.registry.collector('acme', 'metrics')!;
  t.equal(recovered.state, 'idle');
  t.equal(recovered.nextRunAt, slot + 10 * MINUTE, 'the schedule is kept: next run at the original slot + interval');
  await h.clock.advance(10 * MINUTE);
  t.equal(flaky.runs.at(-1), slot + 10 * MINUTE);
  t.equal(h.runtime.registry.collector('acme', 'metrics')!.lastSuccessAt, slot + 10 * MINUTE, 'a snapshot: read again after time moved');
});

t.test('past its intensity a collector is parked; its tenant and the registry say so; a cool-down restarts it', async (t) => {
  const flaky = { crashing: true, runs: [] as number[] };
  let h!: ReturnType<typeof harness>;
  h = harness({
    specs: { collector: { backoff: { minMs: 1_000, maxMs: 60_000, jitter: 0 }, intensity: { maxRestarts: 3, withinMs: 3_600_000 }, parkMs: 30 * MINUTE } },
    jobs: { metrics: flakyJob(flaky, () => h.clock.now()) },
  });
  t.teardown(() => h.stop());
  h.source.put(makeTenant('acme'));
  await h.runtime.start();
  // Runs at 0, retries after 1 s, 2 s, 4 s; the fourth crash is past the intensity (3).
  await h.clock.advance(10_000);
  t.equal(flaky.runs.length, 4, 'first run plus three restarts');
  const tenant = h.runtime.registry.get('acme')!;
  const metrics = tenant.collectors.metrics!;
  t.equal(metrics.state, 'parked');
  t.equal(metrics.restarts, 3);
  t.equal(metrics.parkedUntil, flaky.runs[3]! + 30 * MINUTE);
  t.equal(tenant.state, 'running', 'the tenant itself is fine');
  t.equal(tenant.collectors.cost!.state, 'idle', 'siblings are untouched');
  t.same(h.runtime.registry.list({ state: 'parked' }).map((x) => x.tenantId), ['acme'], 'operators can filter for parked work');

  await h.clock.advance(20 * MINUTE);
  t.equal(flaky.runs.length, 4, 'parked: no runs');
  flaky.crashing = false;
  await h.clock.advance(10 * MINUTE);
  t.equal(flaky.runs.length, 5, 'after the cool-down it runs again');
  t.equal(h.runtime.registry.collector('acme', 'metrics')!.state, 'idle');
});

t.test('a tenant that crashes past its intensity is parked by its shard; changed settings revive it', async (t) => {
  const h = harness({
    specs: { tenant: { backoff: { minMs: 1_000, maxMs: 60_000, jitter: 0 }, intensity: { maxRestarts: 2, withinMs: 600_000 }, parkMs: 30 * MINUTE } },
  });
  t.teardown(() => h.stop());
  const broken = makeTenant('broken');
  broken.settings = { intervalsMs: { metrics: 5 } }; // invalid: the tenant actor throws on init
  h.source.put(broken);
  h.source.put(makeTenant('fine'));
  await h.runtime.start();
  await h.clock.advance(10_000);
  const health = h.runtime.registry.get('broken')!;
  t.equal(health.state, 'parked');
  t.equal(health.restarts, 2);
  t.equal(health.lastError?.code, 'INVALID_TENANT');
  t.equal(h.runtime.registry.get('fine')!.state, 'running');
  t.ok(h.sink.writesFor('fine').length > 0, 'the healthy tenant collected');

  h.source.put({ ...broken, revision: 2, settings: {} });
  await h.runtime.reconcile();
  await h.clock.advance(0);
  t.equal(h.runtime.registry.get('broken')!.state, 'running', 'fixed settings: running again at once');
  t.ok(h.sink.writesFor('broken').length > 0);
  t.ok(new AppError('X', 'y') instanceof Error);
});

t.test('an operator restart of a tenant with a parked collector shows its real state (no stale parkedUntil)', async (t) => {
  const flaky = { crashing: true, runs: [] as number[] };
  let h!: ReturnType<typeof harness>;
  h = harness({
    specs: { collector: { backoff: { minMs: 1_000, maxMs: 60_000, jitter: 0 }, intensity: { maxRestarts: 3, withinMs: 3_600_000 }, parkMs: 30 * MINUTE } },
    jobs: { metrics: flakyJob(flaky, () => h.clock.now()) },
  });
  t.teardown(() => h.stop());
  h.source.put(makeTenant('acme'));
  await h.runtime.start();
  await h.clock.advance(10_000);
  t.equal(h.runtime.registry.collector('acme', 'metrics')!.state, 'parked');
  flaky.crashing = false;
  t.ok(h.runtime.restartTenant('acme'), 'restarted');
  await h.clock.advance(1_000);
  const metrics = h.runtime.registry.get('acme')!.collectors.metrics!;
  t.not(metrics.state, 'parked', `a fresh collector (${metrics.state})`);
  t.equal(metrics.parkedUntil, undefined, 'no stale parkedUntil');
  t.same(h.runtime.registry.list({ state: 'parked' }), [], 'nothing listed as parked');
});
