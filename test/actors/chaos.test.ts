/**
 * Chaos, sized for CI (issue 14 "Fair under overload"): TENANTS tenants, half of them sick in six
 * ways (rejected credentials, throttling, 5xx, hung calls that ignore their abort signal,
 * malformed answers, slow answers), on the real clock with intervals compressed to seconds, at a
 * cadence the instance serves when all are healthy. Every healthy tenant must be fresh within
 * two intervals, every sick one classified and visible, nothing crashed or restarted, and no
 * promise rejection unhandled. It waits on conditions with generous deadlines and asserts
 * outcomes, never durations.
 */
import t from 'tap';
import { createRuntime, systemClock } from '../../src/actors/index.js';
import type { CollectorKind } from '../../src/domain/tenant.js';
import type { TenantHealth } from '../../src/domain/worker-health.js';
import { silentLogger } from '../../src/log.js';
import { FakeGateway, MemorySink, MemoryTenantSource, makeTenant, type Behaviour } from '../support/fakes.js';

/**
 * 1,000 tenants, as the issue asks. What must fit CI is the demand per second, not the tenant
 * count: on the shared 2-core CI machine (load average 33-36 while six suites ran) 1,000 tenants
 * at 10 s intervals got ~95 AWS calls/s against a demand of ~900/s, so that cadence is not one
 * "the instance serves". The interval therefore grows with the fleet: 15 s per 200 tenants
 * (75 s at 1,000), the demand per second that passed in CI at 200 tenants and 15 s.
 * CHAOS_TENANTS=200 runs the small size in about a minute.
 */
const TENANTS = Number(process.env.CHAOS_TENANTS ?? 1_000);
const SICK_KINDS: Behaviour[] = ['identity', 'throttled', 'transient', 'deaf', 'malformed', 'slow'];
const INTERVAL_MS = Math.max(15_000, Math.round((15_000 * TENANTS) / 200));
const COST_INTERVAL_MS = 3 * INTERVAL_MS;
const CALL_TIMEOUT_MS = 2_000;
/** Per wait: the first freshness check comes after three intervals; then two more of slack. */
const DEADLINE_MS = Math.max(110_000, 5 * INTERVAL_MS);
t.setTimeout(2 * DEADLINE_MS + 60_000);

/** Wait until `check` holds, polling every `everyMs`; false at the deadline. `progress` is logged every 10 s. */
async function until(check: () => boolean, deadlineMs: number, progress: () => string, everyMs = 500): Promise<boolean> {
  const began = Date.now();
  let said = began;
  for (;;) {
    if (check()) return true;
    if (Date.now() - began > deadlineMs) return false;
    if (Date.now() - said >= 10_000) {
      said = Date.now();
      t.comment(`${Math.round((said - began) / 1000)} s: ${progress()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

t.test(`${TENANTS} tenants, half sick: healthy ones stay fresh, sick ones are classified, nothing crashes`, { timeout: DEADLINE_MS * 2 }, async (t) => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.teardown(() => void process.off('unhandledRejection', onUnhandled));

  const source = new MemoryTenantSource();
  const sink = new MemorySink();
  const fake = new FakeGateway({ clock: systemClock, latencyMs: 5 });
  fake.slowMs = 1_500;
  const healthy: string[] = [];
  const sick = new Map<string, Behaviour>();
  for (let i = 0; i < TENANTS; i++) {
    const id = `c${String(i).padStart(4, '0')}`;
    source.put(makeTenant(id));
    if (i % 2 === 0) healthy.push(id);
    else {
      const kind = SICK_KINDS[((i - 1) / 2) % SICK_KINDS.length]!;
      sick.set(id, kind);
      fake.behaviour.set(`${id}-aws-0`, kind);
    }
  }
  const runtime = createRuntime({
    source,
    sink,
    gateway: fake.gateway,
    log: silentLogger(),
    clock: systemClock,
    shards: 16,
    startupSpreadMs: INTERVAL_MS,
    intervalsMs: { metrics: INTERVAL_MS, security: INTERVAL_MS, cost: COST_INTERVAL_MS },
    maxInflight: 64,
    breaker: { callTimeoutMs: CALL_TIMEOUT_MS },
    lag: { windowMs: 4 * INTERVAL_MS },
  });
  const startedAt = Date.now();
  await runtime.start();
  t.teardown(() => runtime.stop(5_000));
  const health = runtime.registry;
  const intervalOf = (kind: CollectorKind) => (kind === 'cost' ? COST_INTERVAL_MS : INTERVAL_MS);
  const kinds: CollectorKind[] = ['metrics', 'security', 'cost'];

  // Fresh: every collector of every healthy tenant succeeded within its last two intervals,
  // checked once the fleet has run for three intervals (so first runs alone do not count).
  let stale: string[] = [];
  const allFresh = () => {
    const now = Date.now();
    if (now - startedAt < 3 * INTERVAL_MS) return false;
    stale = [];
    for (const id of healthy) {
      for (const kind of kinds) {
        const c = health.collector(id, kind);
        if (!c?.lastSuccessAt || now - c.lastSuccessAt > 2 * intervalOf(kind)) stale.push(`${id}/${kind}`);
      }
    }
    return stale.length === 0;
  };
  const fresh = await until(allFresh, DEADLINE_MS, () => `stale ${stale.length}, lag ${JSON.stringify(health.lag())}, calls ${JSON.stringify(health.counters().awsCalls)}`);
  t.ok(fresh, `every healthy tenant fresh within two intervals (stale: ${stale.length}, e.g. ${stale.slice(0, 5).join(', ')})`);

  // Sick tenants: each classified by what is wrong with it, visible through the health port.
  const classified = (id: string, kind: Behaviour, tenant: TenantHealth | undefined): boolean => {
    const m = tenant?.collectors.metrics;
    if (!tenant || !m) return false;
    const failed = (...kinds: string[]) => kinds.some((k) => (m.failures[k as keyof typeof m.failures] ?? 0) > 0);
    switch (kind) {
      case 'identity':
        return tenant.accounts[`${id}-acct-0`]?.status === 'credentials_invalid';
      case 'throttled':
        return failed('throttled') && m.lastError !== undefined;
      case 'transient':
      case 'malformed':
        return failed('transient') && m.lastError !== undefined;
      case 'deaf':
        return failed('timeout', 'transient') && m.lastError !== undefined;
      case 'slow':
        // A 1,500 ms answer can measure 1,499 ms between two Date.now() readings.
        return m.lastSuccessAt !== undefined && (m.lastDurationMs ?? 0) >= fake.slowMs - 10;
      default:
        return false;
    }
  };
  let unclassified: string[] = [];
  const allClassified = await until(() => {
    unclassified = [...sick].filter(([id, kind]) => !classified(id, kind, health.get(id))).map(([id, kind]) => `${id}:${kind}`);
    return unclassified.length === 0;
  }, DEADLINE_MS, () => `unclassified ${unclassified.length}: ${unclassified.slice(0, 5).join(', ')}; first: ${JSON.stringify(unclassified[0] ? health.get(unclassified[0].split(':')[0]!)?.collectors.metrics : undefined)}`);
  t.ok(allClassified, `every sick tenant classified (left: ${unclassified.length}, e.g. ${unclassified.slice(0, 5).join(', ')})`);
  const deaf = [...sick].find(([, kind]) => kind === 'deaf')![0];
  t.match(health.get(deaf)!.collectors.metrics!.lastError, { kind: /^(timeout|breaker_open|transient)$/ }, 'a hung tenant shows why');

  const counters = health.counters();
  t.equal(counters.tenantRestarts, 0, 'no tenant crashed');
  t.equal(counters.collectorRestarts, 0, 'no collector crashed');
  const summary = health.summary();
  t.equal(summary.tenants.running, TENANTS, 'every tenant running: none parked or backing off');
  const lag = health.lag();
  t.ok(lag.collectors > 0, 'the lag figure covers the fleet');
  t.comment(`lag: oldest overdue ${lag.oldestOverdueMs} ms, ${lag.overdue}/${lag.collectors} overdue, late share ${lag.lateShare.toFixed(3)} of ${lag.recentRuns} recent runs, behind=${lag.behind}`);
  t.comment(`runs: ${JSON.stringify(counters.collectorRuns)}, late: ${JSON.stringify(counters.collectorRunsLate)}, AWS calls: ${JSON.stringify(counters.awsCalls)}`);

  await runtime.stop(5_000);
  t.same(unhandled, [], 'no unhandled rejection');
});
