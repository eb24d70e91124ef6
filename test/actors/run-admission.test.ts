/**
 * Admission of collector runs (issue 14, "fair under overload"): at most `maxRunsInflight` runs
 * in flight; past it due runs wait (the fleet reports them overdue) and start in turn; tenants the
 * AWS call limiter marks suspect (their calls time out) hold at most their share of the slots, so
 * hung runs cannot keep healthy tenants' runs from starting.
 */
import t from 'tap';
import type { CollectorJob } from '../../src/collectors/index.js';
import { COLLECTOR_KINDS, defaultJobs } from '../../src/collectors/index.js';
import type { CollectorKind } from '../../src/domain/tenant.js';
import { harness, MINUTE } from '../support/harness.js';
import { makeTenant } from '../support/fakes.js';

/** A job for every kind that holds its run until released, counting runs in flight. */
function gatedJobs() {
  let running = 0;
  let most = 0;
  let finished = 0;
  const gates: (() => void)[] = [];
  const job: CollectorJob = async () => {
    running++;
    most = Math.max(most, running);
    await new Promise<void>((resolve) => gates.push(resolve));
    running--;
    finished++;
    return [];
  };
  return {
    jobs: Object.fromEntries(COLLECTOR_KINDS.map((kind) => [kind, job])) as Record<CollectorKind, CollectorJob>,
    running: () => running,
    most: () => most,
    finished: () => finished,
    releaseAll: () => gates.splice(0).forEach((open) => open()),
  };
}

t.test('no more runs in flight than the cap; the rest wait, counted overdue, and run in turn', async (t) => {
  const gated = gatedJobs();
  const h = harness({ maxRunsInflight: 3, intervalsMs: Object.fromEntries(COLLECTOR_KINDS.map((k) => [k, 10 * MINUTE])), jobs: gated.jobs });
  t.teardown(() => h.stop());
  for (let i = 0; i < 4; i++) h.source.put(makeTenant(`t${i}`));
  await h.runtime.start();
  await h.clock.advance(2_000);
  const due = 4 * COLLECTOR_KINDS.length;
  t.equal(gated.running(), 3, 'three runs started');
  await h.clock.advance(5_000);
  const lag = h.runtime.registry.lag();
  t.ok(lag.overdue >= due - 3, `the waiting runs are overdue (${lag.overdue} of ${lag.collectors})`);
  // Release in rounds: each round's releases let the next runs in, never more than the cap.
  for (let round = 0; round < due && gated.finished() < due; round++) {
    gated.releaseAll();
    await h.clock.advance(10);
    t.ok(gated.running() <= 3, `round ${round}: ${gated.running()} in flight`);
  }
  t.equal(gated.finished(), due, 'every due run ran');
  t.equal(gated.most(), 3, 'never more than three at once');
  t.equal(h.runtime.registry.lag().overdue, 0, 'nothing overdue once they ran');
});

t.test('tenants whose calls hang hold at most their share of the run slots; healthy runs keep their slots', async (t) => {
  const metrics = defaultJobs().metrics;
  let sickRunning = 0;
  let sickMost = 0;
  const sickAfterMarked: number[] = [];
  const h = harness({
    latencyMs: 100,
    maxInflight: 8,
    maxRunsInflight: 8, // suspect share 0.25: two slots for suspect tenants
    intervalsMs: { metrics: 5 * MINUTE, cost: 24 * 60 * MINUTE, security: 24 * 60 * MINUTE, health: 24 * 60 * MINUTE, compliance: 24 * 60 * MINUTE },
    breaker: { callTimeoutMs: 60_000, consecutiveFailures: 1_000, volumeThreshold: 1_000 },
    jobs: {
      metrics: async (ctx) => {
        const sick = ctx.tenantId.startsWith('sick');
        if (!sick) return metrics(ctx);
        sickRunning++;
        sickMost = Math.max(sickMost, sickRunning);
        if (h.runtime.registry.collector(ctx.tenantId, 'metrics')!.runs > 0) sickAfterMarked.push(sickRunning);
        try {
          return await metrics(ctx);
        } finally {
          sickRunning--;
        }
      },
    },
  });
  t.teardown(() => h.stop());
  const healthy = Array.from({ length: 12 }, (_, i) => `ok${String(i).padStart(2, '0')}`);
  const sick = Array.from({ length: 6 }, (_, i) => `sick${String(i).padStart(2, '0')}`);
  for (const id of [...healthy, ...sick]) h.source.put(makeTenant(id));
  for (const id of sick) h.fake.behaviour.set(`${id}-aws-0`, 'hang');
  await h.runtime.start();
  // Twelve metrics intervals: every sick call hangs until its deadline (a minute). At the start
  // nobody is known sick yet, so their first runs take slots like anyone's; after that they share two.
  await h.clock.advance(61 * MINUTE);
  for (const id of healthy) {
    const m = h.runtime.registry.collector(id, 'metrics')!;
    t.ok(m.runs >= 10, `${id} kept its cadence (${m.runs} runs of 13 slots)`);
    t.ok(h.clock.now() - m.lastSuccessAt! < 10 * MINUTE, `${id} succeeded at one of its two latest slots`);
  }
  t.ok(sick.some((id) => (h.runtime.registry.collector(id, 'metrics')!.failures.timeout ?? 0) > 0), 'the sick tenants time out');
  t.ok(sickAfterMarked.length > 0, 'sick tenants ran again after their first timeouts');
  t.ok(Math.max(...sickAfterMarked) <= 2, `once marked, at most 2 sick runs in flight (seen ${Math.max(...sickAfterMarked)})`);
  t.ok(sickMost <= 8, `sick runs never held more than the cap (${sickMost})`);
});

t.test('under overload every collector runs and slow and fast kinds stretch alike', async (t) => {
  // Metrics runs take 30 s, the other kinds 1 s; every kind is due each minute. Eight run slots
  // for 24 tenants: demand is 24 x 34 s of runs a minute against 8 x 60 s, about 1.7x capacity.
  // An equal split of the slots by kind gave the fast kinds several times the runs of the slow
  // one (a 1,000-tenant soak: health 7 runs per tenant in 11 minutes, some metrics collectors none).
  let h: ReturnType<typeof harness> | undefined;
  const lasting =
    (ms: number): CollectorJob =>
    (ctx) =>
      new Promise((resolve, reject) => {
        const cancel = h!.clock.setTimer(() => resolve([]), ms);
        ctx.signal.addEventListener('abort', () => (cancel(), reject(ctx.signal.reason)), { once: true });
      });
  h = harness({
    maxRunsInflight: 8,
    intervalsMs: Object.fromEntries(COLLECTOR_KINDS.map((k) => [k, MINUTE])),
    jobs: Object.fromEntries(COLLECTOR_KINDS.map((kind) => [kind, lasting(kind === 'metrics' ? 30_000 : 1_000)])) as Record<CollectorKind, CollectorJob>,
  });
  const run = h;
  t.teardown(() => run.stop());
  const tenants = Array.from({ length: 24 }, (_, i) => `t${String(i).padStart(2, '0')}`);
  for (const id of tenants) run.source.put(makeTenant(id));
  await run.runtime.start();
  for (let s = 0; s < 30 * 60; s++) await run.clock.advance(1_000, 3);
  const runsOf = (kind: CollectorKind) => tenants.map((id) => run.runtime.registry.collector(id, kind)!.runs);
  const metrics = runsOf('metrics');
  const health = runsOf('health');
  t.ok(Math.min(...metrics) >= 5, `every metrics collector ran (fewest ${Math.min(...metrics)} in 30 min)`);
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const ratio = total(health) / total(metrics);
  t.ok(ratio <= 2, `health ran at most twice as often as metrics (${total(health)} vs ${total(metrics)} runs, ${ratio.toFixed(2)}x)`);
});
