/**
 * Runtime benchmark (issues 2 and 14): what the supervision runtime costs over doing the same
 * collector work in a bare loop, for BENCH_TENANTS tenants (one account, one region, every
 * collector) on fake gateways with a fixed latency. Prints a table (each goal beside the measured
 * figure) and a JSON line.
 *
 * What it measures, and how (issue 14, "the benchmark measures what it claims"):
 * - spawn: `start()` until every tenant and collector is registered, checked with the registry's
 *   O(1) size while tenants appear (the O(n) collector count only once they all have); nothing
 *   runs meanwhile (first runs 12 h away).
 * - sweeps through the scheduled production path: a second runtime whose collectors all tick every
 *   BENCH_SWEEP_S seconds, first runs at once. Sweep 1 is the first run of every collector (its CPU
 *   includes this runtime's spawn, breakers, limiters and statuses created); sweep 2 the steady
 *   state one interval later, where the step cadences skip what is not due, as in production.
 * - the bare loop: the same collector jobs with the same gateway and sink, called through one
 *   p-limit with the same cap, statuses merged and stored as the collector actor does; no actors,
 *   breakers, deadlines or shares. Its sweeps run after the runtime's with the same spacing, so the
 *   same steps are due.
 * - CPU per call on both sides (process CPU time of the sweep / fake AWS calls made), not a
 *   throughput ratio: with a 10 ms fake latency and a cap of 64 both sides mostly wait.
 * - heap per tenant: after spawn and after the sweeps (forced GC, runtime alive).
 * - idle CPU: steady state between sweeps (all timers armed, breakers rotating), measured over
 *   BENCH_IDLE_MS before sweep 2, starting 2 s after a forced GC that clears the bare loop's
 *   garbage (so the window does not measure the collector finishing it). The
 *   steady sweep's window spans its ticks (spread as the first runs ended), so its CPU includes
 *   that much idle time too: the table shows it raw, the JSON line also net of the idle rate.
 * The sink keeps nothing (BENCH_SINK=memory, default): the runtime's own cost is what is measured.
 *
 *   npm run bench   (compiles with tsc first: tsx adds a property store to every function, which
 *                    inflated heap per tenant ~1.8x)
 *   BENCH_TENANTS=1000,10000 BENCH_LATENCY_MS=10 BENCH_SWEEP_S=120 BENCH_IDLE_MS=10000
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import { createRuntime, systemClock, type Runtime } from '../src/actors/index.js';
import { mergeRunStatus } from '../src/actors/run-status.js';
import { COLLECTOR_KINDS, defaultJobs, type CollectContext } from '../src/collectors/index.js';
import type { RunStatus } from '../src/domain/sink.js';
import type { CollectorKind, Tenant } from '../src/domain/tenant.js';
import { silentLogger } from '../src/log.js';
import { FakeGateway, makeTenant, MemorySink, MemoryTenantSource } from '../test/support/fakes.js';

const sizes = (process.env.BENCH_TENANTS ?? '1000,10000').split(',').map(Number);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 10);
const sweepMs = Number(process.env.BENCH_SWEEP_S ?? 120) * 1000;
const idleMs = Number(process.env.BENCH_IDLE_MS ?? 10_000);
const cap = 64;
const HOUR = 3_600_000;
const KINDS = COLLECTOR_KINDS;

/** The issue's goals. */
const GOALS = { spawnMsAt10k: 1_000, heapKbPerTenant: 20, cpuPerCallRatio: 2, idleCpuPercent: 1 };

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

async function until(check: () => boolean, what: string, timeoutMs = 900_000, pollMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`benchmark step timed out: ${what}`);
    await sleep(pollMs);
  }
}

const totalRuns = (runtime: Runtime) => Object.values(runtime.registry.counters().collectorRuns).reduce((a, b) => a + b, 0);
const totalCalls = (fake: FakeGateway) => [...fake.calls.values()].reduce((a, b) => a + b, 0);
const intervals = Object.fromEntries(KINDS.map((k) => [k, sweepMs])) as Record<CollectorKind, number>;

function fixture(tenants: number) {
  const source = new MemoryTenantSource();
  const list: Tenant[] = [];
  for (let i = 0; i < tenants; i++) {
    const tenant = makeTenant(`t${i}`);
    source.put(tenant);
    list.push(tenant);
  }
  const fake = new FakeGateway({ clock: systemClock, latencyMs });
  const sink = new MemorySink();
  sink.write = async () => {}; // keep nothing: we measure the runtime, not the fake sink
  sink.putRunStatus = async () => {};
  return { source, list, fake, sink };
}

/** Spawn time and heap per tenant right after it, with nothing running. */
async function measureSpawn(tenants: number): Promise<{ spawnMs: number; heapKb: number }> {
  const { source, fake, sink } = fixture(tenants);
  const base = heap();
  const runtime = createRuntime({
    source,
    sink,
    gateway: fake.gateway,
    log: silentLogger(),
    maxInflight: cap,
    intervalsMs: Object.fromEntries(KINDS.map((k) => [k, 24 * HOUR])),
    startupSpreadMs: 12 * HOUR,
    reconcileIntervalMs: 12 * HOUR,
  });
  const began = performance.now();
  await runtime.start();
  // O(1) while tenants appear; the O(n) collector count only once they all have (a turn or two).
  await until(() => runtime.registry.size === tenants, 'spawn', 900_000, 1);
  const collectors = () => Object.values(runtime.registry.summary().collectors).reduce((a, b) => a + b, 0);
  await until(() => collectors() === tenants * KINDS.length, 'collectors spawned', 60_000, 1);
  const spawnMs = performance.now() - began;
  const heapKb = (heap() - base) / tenants / 1024;
  await runtime.stop(10_000);
  return { spawnMs, heapKb };
}

interface Sweep {
  runs: number;
  calls: number;
  cpuMs: number;
  wallMs: number;
}
const perCallUs = (s: Sweep) => (s.cpuMs * 1000) / Math.max(1, s.calls);

/** The same collector work without the runtime: the jobs through one p-limit, statuses merged. */
function bareLoop(list: Tenant[], fake: FakeGateway, sink: MemorySink) {
  const jobs = defaultJobs();
  const limit = pLimit(cap);
  const statuses = new Map<string, RunStatus>();
  const memories = new Map<string, Map<string, unknown>>();
  const log = silentLogger();
  const signal = new AbortController().signal;
  return async (): Promise<Sweep> => {
    const calls0 = totalCalls(fake);
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    let runs = 0;
    await Promise.all(
      list.flatMap((tenant) =>
        KINDS.map(async (kind) => {
          const key = `${tenant.id}/${kind}`;
          let memory = memories.get(key);
          if (!memory) memories.set(key, (memory = new Map()));
          const ctx: CollectContext = {
            tenantId: tenant.id,
            kind,
            accounts: tenant.accounts,
            settings: tenant.settings,
            now: Date.now(),
            intervalMs: sweepMs,
            force: false,
            signal,
            aws: fake.gateway,
            call: (_service, fn) => limit(() => fn(signal)),
            sink,
            previous: (accountId) => statuses.get(`${key}/${accountId}`),
            memory,
            log,
          };
          const outcomes = await jobs[kind](ctx);
          for (const outcome of outcomes) {
            const account = tenant.accounts.find((a) => a.id === outcome.accountId)!;
            const previous = statuses.get(`${key}/${account.id}`);
            const status = mergeRunStatus(previous, { tenantId: tenant.id, account, collector: kind, outcome, now: ctx.now });
            await sink.putRunStatus(status);
            statuses.set(`${key}/${account.id}`, status);
          }
          runs++;
        }),
      ),
    );
    return { runs, calls: totalCalls(fake) - calls0, cpuMs: cpuMs(cpu0), wallMs: performance.now() - wall0 };
  };
}

interface Row {
  tenants: number;
  spawnMs: number;
  heapPerTenantKb: number;
  heapPerTenantAfterSweepsKb: number;
  idleCpuPercent: number;
  sweeps: { runtime: Sweep; bare: Sweep; runtimeCpuPerCallUs: number; bareCpuPerCallUs: number; ratio: number; netRatio: number }[];
}

async function measure(tenants: number): Promise<Row> {
  const spawn = await measureSpawn(tenants);

  const { source, list, fake, sink } = fixture(tenants);
  const base = heap();
  const runtime = createRuntime({
    source,
    sink,
    gateway: fake.gateway,
    log: silentLogger(),
    maxInflight: cap,
    intervalsMs: intervals,
    startupSpreadMs: 0,
    reconcileIntervalMs: 12 * HOUR,
  });
  const bare = bareLoop(list, fake, new MemorySink());
  const sweeps: Row['sweeps'] = [];
  const expectedRuns = tenants * KINDS.length;
  const runtimeSweep = async (n: number, start: () => Promise<unknown>): Promise<Sweep> => {
    const runs0 = totalRuns(runtime);
    const calls0 = totalCalls(fake);
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await start();
    await until(() => totalRuns(runtime) - runs0 >= expectedRuns, `runtime sweep ${n}`);
    return { runs: totalRuns(runtime) - runs0, calls: totalCalls(fake) - calls0, cpuMs: cpuMs(cpu0), wallMs: performance.now() - wall0 };
  };
  const record = (runtimeSide: Sweep, bareSide: Sweep, idlePercent: number) => {
    const net = { ...runtimeSide, cpuMs: Math.max(0, runtimeSide.cpuMs - (idlePercent / 100) * runtimeSide.wallMs) };
    sweeps.push({
      runtime: runtimeSide,
      bare: bareSide,
      runtimeCpuPerCallUs: Number(perCallUs(runtimeSide).toFixed(1)),
      bareCpuPerCallUs: Number(perCallUs(bareSide).toFixed(1)),
      ratio: Number((perCallUs(runtimeSide) / perCallUs(bareSide)).toFixed(2)),
      netRatio: Number((perCallUs(net) / perCallUs(bareSide)).toFixed(2)),
    });
  };

  // Sweep 1: every collector's first run, at start.
  const began = Date.now();
  const first = await runtimeSweep(1, () => runtime.start());
  // The bare loop's first sweep, then its steady one one interval later (the same steps due).
  const bareStarted = Date.now();
  const bareFirst = await bare();
  // Idle between sweeps: the bare loop's garbage collected first, then 2 s of quiet, then the window.
  heap();
  await sleep(2_000);
  const idle0 = process.cpuUsage();
  const idleWall0 = performance.now();
  await sleep(Math.max(1_000, Math.min(idleMs, began + sweepMs - 1_000 - Date.now())));
  const idleCpuPercent = (cpuMs(idle0) / (performance.now() - idleWall0)) * 100;
  record(first, bareFirst, idleCpuPercent);
  // Sweep 2: the scheduled ticks one interval after each collector's first run.
  if (Date.now() > began + sweepMs) throw new Error(`sweep 2 was due before the bare loop's first sweep ended: raise BENCH_SWEEP_S above ${sweepMs / 1000}`);
  await sleep(Math.max(0, began + sweepMs - Date.now()));
  const steady = await runtimeSweep(2, async () => {});
  await sleep(Math.max(0, bareStarted + sweepMs - Date.now()));
  record(steady, await bare(), idleCpuPercent);
  const heapPerTenantAfterSweepsKb = (heap() - base) / tenants / 1024;
  await runtime.stop(10_000);
  return {
    tenants,
    spawnMs: Math.round(spawn.spawnMs),
    heapPerTenantKb: Number(spawn.heapKb.toFixed(1)),
    heapPerTenantAfterSweepsKb: Number(heapPerTenantAfterSweepsKb.toFixed(1)),
    idleCpuPercent: Number(idleCpuPercent.toFixed(2)),
    sweeps,
  };
}

const rows: Row[] = [];
for (const n of sizes) rows.push(await measure(n));

const mark = (ok: boolean) => (ok ? 'met' : 'missed');
const header = ['tenants', 'spawn ms', 'heap/tenant KB', 'after sweeps KB', 'idle CPU %', 'sweep', 'calls', 'runtime CPU/call us', 'bare CPU/call us', 'ratio', 'ratio net of idle'];
const lines = rows.flatMap((r) =>
  r.sweeps.map((s, i) =>
    [i === 0 ? r.tenants : '', i === 0 ? r.spawnMs : '', i === 0 ? r.heapPerTenantKb : '', i === 0 ? r.heapPerTenantAfterSweepsKb : '', i === 0 ? r.idleCpuPercent : '', i === 0 ? 'first (with spawn)' : 'steady', s.runtime.calls, s.runtimeCpuPerCallUs, s.bareCpuPerCallUs, s.ratio, s.netRatio].map(String),
  ),
);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
const at10k = rows.find((r) => r.tenants === 10_000);
const largest = rows[rows.length - 1]!;
const goals = {
  spawnUnder1sAt10k: at10k ? { goalMs: GOALS.spawnMsAt10k, measuredMs: at10k.spawnMs, verdict: mark(at10k.spawnMs < GOALS.spawnMsAt10k) } : 'not measured (BENCH_TENANTS has no 10000)',
  heapPerTenantAfterSweeps: { goalKb: GOALS.heapKbPerTenant, measuredKb: largest.heapPerTenantAfterSweepsKb, verdict: mark(largest.heapPerTenantAfterSweepsKb < GOALS.heapKbPerTenant) },
  cpuPerCallSteady: { goalRatio: GOALS.cpuPerCallRatio, measuredRatio: largest.sweeps[1]!.ratio, verdict: mark(largest.sweeps[1]!.ratio <= GOALS.cpuPerCallRatio) },
  idleCpu: { goalPercent: GOALS.idleCpuPercent, measuredPercent: largest.idleCpuPercent, verdict: mark(largest.idleCpuPercent < GOALS.idleCpuPercent) },
};
process.stdout.write(
  [
    `runtime benchmark: node ${process.version}, ${KINDS.length} collectors a tenant, fake latency ${latencyMs} ms, global cap ${cap}, sweeps ${sweepMs / 1000} s apart (scheduled path), idle window ${idleMs / 1000} s`,
    fmt(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...lines.map(fmt),
    `goals (largest size ${largest.tenants}): spawn 10k < 1 s: ${typeof goals.spawnUnder1sAt10k === 'string' ? goals.spawnUnder1sAt10k : `${goals.spawnUnder1sAt10k.measuredMs} ms, ${goals.spawnUnder1sAt10k.verdict}`}; heap < 20 KB/tenant after sweeps: ${goals.heapPerTenantAfterSweeps.measuredKb} KB, ${goals.heapPerTenantAfterSweeps.verdict}; CPU/call <= 2x bare (steady): ${goals.cpuPerCallSteady.measuredRatio}x, ${goals.cpuPerCallSteady.verdict}; idle CPU < 1 %: ${goals.idleCpu.measuredPercent} %, ${goals.idleCpu.verdict}`,
    JSON.stringify({ bench: 'runtime', node: process.version, latencyMs, cap, sweepMs, rows, goals }),
    '',
  ].join('\n'),
);
