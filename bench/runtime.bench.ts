/**
 * Runtime benchmark (issue 2): for 1,000 and 10,000 tenants on fake gateways with a fixed
 * latency — time to spawn all tenants, heap per tenant, idle CPU over 10 s, and one full
 * sweep's throughput against a bare p-limit loop over the same fake calls (same cap, same
 * latency, alternated in one run; medians of REPS). Prints a table and a JSON line.
 *
 *   npm run bench   (compiles with tsc first: tsx adds a property store to every function, which
 *                    inflated heap per tenant ~1.8x)  BENCH_TENANTS=1000,10000 BENCH_REPS=3 BENCH_LATENCY_MS=10
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import { createRuntime, systemClock, type Runtime } from '../src/actors/index.js';
import { silentLogger } from '../src/log.js';
import { FakeGateway, makeTenant, MemorySink, MemoryTenantSource } from '../test/support/fakes.js';

const sizes = (process.env.BENCH_TENANTS ?? '1000,10000').split(',').map(Number);
const reps = Number(process.env.BENCH_REPS ?? 3);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 10);
const idleMs = Number(process.env.BENCH_IDLE_MS ?? 10_000);
const cap = 64;
const HOUR = 3_600_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function until(check: () => boolean, timeoutMs = 600_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('benchmark step timed out');
    await sleep(5);
  }
}

const totalRuns = (runtime: Runtime) => Object.values(runtime.registry.counters().collectorRuns).reduce((a, b) => a + b, 0);

/** One sweep through the runtime: every tenant's three collectors run once. Returns calls/s. */
async function runtimeSweep(runtime: Runtime, fake: FakeGateway, tenants: number): Promise<number> {
  const runsBefore = totalRuns(runtime);
  const callsBefore = [...fake.calls.values()].reduce((a, b) => a + b, 0);
  const began = performance.now();
  for (let i = 0; i < tenants; i++) runtime.runNow(`t${i}`);
  await until(() => totalRuns(runtime) - runsBefore >= tenants * 3);
  const elapsed = (performance.now() - began) / 1000;
  const calls = [...fake.calls.values()].reduce((a, b) => a + b, 0) - callsBefore;
  return calls / elapsed;
}

/** The same number of fake calls through a bare p-limit loop with the same cap. Returns calls/s. */
async function bareSweep(fake: FakeGateway, calls: number): Promise<number> {
  const limit = pLimit(cap);
  const target = makeTenant('bare').accounts[0]!;
  const signal = new AbortController().signal;
  setMaxListeners(0, signal); // the fake adds one abort listener per call in flight
  const began = performance.now();
  await Promise.all(Array.from({ length: calls }, () => limit(() => fake.gateway.cloudwatch.describeAlarms(target, 'us-east-1', signal))));
  return calls / ((performance.now() - began) / 1000);
}

interface Row {
  tenants: number;
  spawnMs: number;
  heapPerTenantKb: number;
  heapPerTenantAfterSweepKb: number;
  idleCpuPercent: number;
  sweepCallsPerSec: number;
  bareCallsPerSec: number;
  ratio: number;
}

async function measure(tenants: number): Promise<Row> {
  const source = new MemoryTenantSource();
  for (let i = 0; i < tenants; i++) source.put(makeTenant(`t${i}`));
  const fake = new FakeGateway({ clock: systemClock, latencyMs });
  const sink = new MemorySink();
  sink.write = async () => {}; // keep nothing: we measure the runtime, not the fake sink
  const base = heap();
  const runtime = createRuntime({
    source,
    sink,
    gateway: fake.gateway,
    log: silentLogger(),
    maxInflight: cap,
    // No run may start during the measurement except the sweeps we ask for.
    intervalsMs: { metrics: 24 * HOUR, security: 24 * HOUR, cost: 24 * HOUR },
    startupSpreadMs: 12 * HOUR,
    reconcileIntervalMs: 12 * HOUR,
  });

  const began = performance.now();
  await runtime.start();
  await until(() => runtime.registry.summary().collectors.idle === tenants * 3);
  const spawnMs = performance.now() - began;
  const heapPerTenantKb = (heap() - base) / tenants / 1024;

  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await sleep(idleMs);
  const cpu = process.cpuUsage(cpu0);
  const idleCpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - wall0)) * 100;

  const callsPerSweep = tenants * 10; // metrics 3 + cost 4 + security 3, one account, one region
  const sweeps: number[] = [];
  const bares: number[] = [];
  for (let r = 0; r < reps; r++) {
    sweeps.push(await runtimeSweep(runtime, fake, tenants));
    bares.push(await bareSweep(fake, callsPerSweep));
  }
  const heapPerTenantAfterSweepKb = (heap() - base) / tenants / 1024;
  await runtime.stop(10_000);
  const sweepCallsPerSec = median(sweeps);
  const bareCallsPerSec = median(bares);
  return {
    tenants,
    spawnMs: Math.round(spawnMs),
    heapPerTenantKb: Number(heapPerTenantKb.toFixed(1)),
    heapPerTenantAfterSweepKb: Number(heapPerTenantAfterSweepKb.toFixed(1)),
    idleCpuPercent: Number(idleCpuPercent.toFixed(2)),
    sweepCallsPerSec: Math.round(sweepCallsPerSec),
    bareCallsPerSec: Math.round(bareCallsPerSec),
    ratio: Number((sweepCallsPerSec / bareCallsPerSec).toFixed(3)),
  };
}

const rows: Row[] = [];
for (const n of sizes) rows.push(await measure(n));

const header = ['tenants', 'spawn ms', 'heap/tenant KB', 'heap/tenant after sweep KB', 'idle CPU % (10 s)', 'sweep calls/s', 'bare p-limit calls/s', 'ratio'];
const lines = rows.map((r) => [r.tenants, r.spawnMs, r.heapPerTenantKb, r.heapPerTenantAfterSweepKb, r.idleCpuPercent, r.sweepCallsPerSec, r.bareCallsPerSec, r.ratio].map(String));
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
process.stdout.write(
  [
    `runtime benchmark: node ${process.version}, fake latency ${latencyMs} ms, global cap ${cap}, medians of ${reps} sweeps, idle window ${idleMs / 1000} s`,
    fmt(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...lines.map(fmt),
    JSON.stringify({ bench: 'runtime', node: process.version, latencyMs, cap, reps, rows }),
    '',
  ].join('\n'),
);
