/**
 * One steady interval of one side of the runtime benchmark, alone in its process, for A/B work on
 * the runtime's CPU per call (issue 14): BENCH_SIDE=runtime (default) spawns BENCH_TENANTS
 * tenants whose collectors all run every BENCH_SWEEP_S seconds, waits for the first sweep, then
 * measures one interval; BENCH_SIDE=spread does the same work in the bench's spread bare loop.
 * The same fixture as runtime.bench.ts (fake 10 ms calls, a sink that keeps nothing), but no
 * spawn, idle or burst phases, so one measurement takes one interval plus the first sweep.
 *
 * Prints `@@WINDOW_START` / `@@WINDOW_END` around the measured interval and a `@@RESULT` JSON
 * line. Run with `--trace-gc-nvp` and give the output to `node .bench-build/bench/gc-window.js
 * FILE` for the garbage collector's figures a call inside the window (allocated, promoted,
 * scavenge pauses).
 *
 *   npx tsc -p tsconfig.bench.json
 *   BENCH_TENANTS=10000 BENCH_SWEEP_S=120 node --expose-gc [--trace-gc-nvp] .bench-build/bench/steady-state.js > out.log
 *   BENCH_SIDE=spread ... (the bare loop, the same interval)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createRuntime } from '../src/actors/index.js';
import { COLLECTOR_KINDS } from '../src/collectors/index.js';
import { TIMER_SLACK_MS } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { benchFixture, collectorWork, mainThreadCpuMs, mainThreadWakeups, spreadInterval } from './collector-work.js';

const tenants = Number(process.env.BENCH_TENANTS ?? 10_000);
const sweepMs = Number(process.env.BENCH_SWEEP_S ?? 120) * 1000;
const side = process.env.BENCH_SIDE ?? 'runtime';
if (side !== 'runtime' && side !== 'spread') throw new Error(`BENCH_SIDE must be runtime or spread, not ${side}`);
const timerSlackMs = Number(process.env.BENCH_TIMER_SLACK ?? TIMER_SLACK_MS);
const cap = 64;

const { source, list, fake, sink } = benchFixture(tenants, Number(process.env.BENCH_LATENCY_MS ?? 10), Number(process.env.BENCH_LATENCY_JITTER_MS ?? 0));
const calls = () => [...fake.calls.values()].reduce((a, b) => a + b, 0);

/** CPU, main thread and wakeups a fake AWS call over `body`. */
async function measured(body: () => Promise<number>) {
  const calls0 = calls();
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  const wakeups0 = mainThreadWakeups();
  console.log('@@WINDOW_START');
  const runs = await body();
  console.log('@@WINDOW_END');
  const cpu = process.cpuUsage(cpu0);
  const n = Math.max(1, calls() - calls0);
  const main = mainThreadCpuMs();
  const wakeups = mainThreadWakeups();
  return {
    cpuPerCallUs: Number(((cpu.user + cpu.system) / n).toFixed(1)),
    ...(main !== undefined && main0 !== undefined ? { mainThreadPerCallUs: Number((((main - main0) * 1000) / n).toFixed(1)) } : {}),
    ...(wakeups !== undefined && wakeups0 !== undefined ? { wakeupsPerCall: Number(((wakeups - wakeups0) / n).toFixed(2)) } : {}),
    calls: n,
    runs,
  };
}

let result;
if (side === 'spread') {
  const work = collectorWork({ gateway: fake.gateway, sink, cap, intervalMs: sweepMs });
  await Promise.all(list.flatMap((tenant) => COLLECTOR_KINDS.map((kind) => work.run(tenant, kind))));
  await sleep(2_000);
  result = await measured(spreadInterval(work, list, COLLECTOR_KINDS, sweepMs));
} else {
  const runtime = createRuntime({
    source,
    sink,
    gateway: fake.gateway,
    log: silentLogger(),
    maxInflight: cap,
    intervalsMs: Object.fromEntries(COLLECTOR_KINDS.map((k) => [k, sweepMs])) as Record<(typeof COLLECTOR_KINDS)[number], number>,
    startupSpreadMs: 0,
    timerSlackMs,
    reconcileIntervalMs: 12 * 3_600_000,
  });
  const runs = () => Object.values(runtime.registry.counters().collectorRuns).reduce((a, b) => a + b, 0);
  await runtime.start();
  while (runs() < tenants * COLLECTOR_KINDS.length) await sleep(50);
  await sleep(2_000);
  result = await measured(async () => {
    const runs0 = runs();
    await sleep(sweepMs);
    return runs() - runs0;
  });
  await runtime.stop(10_000);
}
console.log(`@@RESULT ${JSON.stringify({ bench: 'steady-state', side, node: process.version, tenants, sweepMs, timerSlackMs, ...result })}`);
process.exit(0);
