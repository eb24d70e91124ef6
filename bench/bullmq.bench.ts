/**
 * BullMQ competitor (issue 14, "ahead of BullMQ job schedulers doing the same work on the same
 * machine in the same run"): the same tenants and collectors as bench/runtime.bench.ts, scheduled
 * by BullMQ job schedulers (one `upsertJobScheduler` per tenant and collector, `every` the
 * interval) and run by one in-process BullMQ Worker whose processor does the same collector work
 * as the bare loop (bench/collector-work.ts: the job, its calls through one p-limit with the same
 * cap of 64, statuses merged). Prints a table and a JSON line, with the same measures as the
 * runtime benchmark, Redis included:
 *
 * - spawn: creating every job scheduler (the first jobs 24 h away), then heap per tenant and the
 *   Redis memory it added per tenant;
 * - idle CPU: every scheduler armed, nothing due, the median of BENCH_IDLE_WINDOWS (5) windows of
 *   BENCH_IDLE_MS starting 2 s after a GC;
 *   process and Redis server CPU;
 * - sweeps: schedulers re-created with `every` BENCH_SWEEP_S and no start date (BullMQ then runs
 *   every collector's first job at once, as the runtime's first sweep), then one whole interval of steady state;
 *   CPU per AWS call, process plus Redis server.
 *
 * Redis: a private `redis-server` on a free port when the binary is installed (so its CPU and
 * memory are this benchmark's alone, with persistence off), else REDIS_URL or 127.0.0.1:6379 with
 * a private key prefix (then the Redis CPU includes other clients'). Without a reachable Redis it
 * prints why and skips.
 *
 *   BENCH_TENANTS=1000,10000 BENCH_LATENCY_MS=10 BENCH_SWEEP_S=120 BENCH_IDLE_MS=10000
 *   node --expose-gc .bench-build/bench/bullmq.bench.js   (npm run bench runs it after the runtime's)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { systemClock } from '../src/actors/index.js';
import { COLLECTOR_KINDS } from '../src/collectors/index.js';
import type { CollectorKind, Tenant } from '../src/domain/tenant.js';
import { FakeGateway, makeTenant, MemorySink } from '../test/support/fakes.js';
import { collectorWork, cpuMsSince, idleWindows, liveHeap } from './collector-work.js';

const sizes = (process.env.BENCH_TENANTS ?? '1000,10000').split(',').map(Number);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 10);
/** Each fake call lasts latencyMs plus up to this much more (uniform, seeded): real answers do not all take the same time. */
const jitterMs = Number(process.env.BENCH_LATENCY_JITTER_MS ?? 0);
const sweepMs = Number(process.env.BENCH_SWEEP_S ?? 120) * 1000;
const idleMs = Number(process.env.BENCH_IDLE_MS ?? 10_000);
const idleWindowCount = Number(process.env.BENCH_IDLE_WINDOWS ?? 5);
const cap = 64;
/** Jobs the worker holds at once: enough that the p-limit cap, as on the other sides, is the bound. */
const workerConcurrency = 1_000;
const DAY = 86_400_000;
const KINDS = COLLECTOR_KINDS;
const progress = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} bullmq: ${line}\n`);

const heap = liveHeap;
liveHeap(); // fails at once without --expose-gc

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface RedisTarget {
  url: string;
  private: boolean;
  stop(): Promise<void>;
}

/** A private redis-server when installed, else the configured one; null when none answers. */
async function redisTarget(): Promise<RedisTarget | null> {
  const binary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
  if (binary) {
    const port = await freePort();
    const child: ChildProcess = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const url = `redis://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (await ping(url)) return { url, private: true, stop: async () => void child.kill('SIGTERM') };
      await sleep(50);
    }
    child.kill('SIGKILL');
  }
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  return (await ping(url)) ? { url, private: false, stop: async () => {} } : null;
}

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Redis server CPU (user + system) in ms, and its used memory in bytes, from INFO. */
async function redisStats(client: Redis): Promise<{ cpuMs: number; memory: number }> {
  const info = await client.info();
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return { cpuMs: (field('used_cpu_user') + field('used_cpu_sys')) * 1000, memory: field('used_memory') };
}

const processCpuMs = cpuMsSince;

interface Sweep {
  runs: number;
  calls: number;
  processCpuMs: number;
  redisCpuMs: number;
  wallMs: number;
}
const perCallUs = (s: Sweep) => ((s.processCpuMs + s.redisCpuMs) * 1000) / Math.max(1, s.calls);

interface Row {
  tenants: number;
  spawnMs: number;
  heapPerTenantKb: number;
  redisPerTenantKb: number;
  heapPerTenantAfterSweepsKb: number;
  redisPerTenantAfterSweepsKb: number;
  idleCpuPercent: { process: number; redis: number };
  sweeps: { first: Sweep & { cpuPerCallUs: number }; steady: Sweep & { cpuPerCallUs: number } };
}

async function measure(url: string, tenants: number): Promise<Row> {
  const list: Tenant[] = Array.from({ length: tenants }, (_, i) => makeTenant(`t${i}`));
  const byId = new Map(list.map((t) => [t.id, t]));
  const fake = new FakeGateway({ clock: systemClock, latencyMs, jitterMs });
  const sink = new MemorySink();
  sink.write = async () => {}; // keep nothing, as the runtime benchmark's sink
  sink.putRunStatus = async () => {};
  const work = collectorWork({ gateway: fake.gateway, sink, cap, intervalMs: sweepMs });
  const calls = () => [...fake.calls.values()].reduce((a, b) => a + b, 0);

  const prefix = `chbench${process.pid}`;
  const name = `collect${tenants}`;
  const connection = { url, maxRetriesPerRequest: null } as const;
  const stats = new Redis(url);
  const queue = new Queue(name, { connection, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
  await queue.waitUntilReady();

  // BullMQ runs an `every` scheduler's first job at once unless it has a start date.
  const schedule = async (every: number, startDate?: number) => {
    // In batches: one Lua script call per scheduler, as an operator's start-up would issue them.
    for (let i = 0; i < list.length; i += 500) {
      await Promise.all(
        list.slice(i, i + 500).flatMap((tenant) =>
          KINDS.map((kind) =>
            queue.upsertJobScheduler(`${tenant.id}/${kind}`, startDate ? { every, startDate } : { every }, { name: kind, data: { tenantId: tenant.id, kind } }),
          ),
        ),
      );
    }
  };

  // Spawn: every scheduler created, first runs a day away; nothing runs meanwhile.
  const heap0 = heap();
  const redis0 = await redisStats(stats);
  const began = performance.now();
  await schedule(DAY, Date.now() + DAY);
  let runs = 0;
  const worker = new Worker<{ tenantId: string; kind: CollectorKind }>(
    name,
    async (job) => {
      await work.run(byId.get(job.data.tenantId)!, job.data.kind);
      runs++;
    },
    { connection, prefix, concurrency: workerConcurrency },
  );
  await worker.waitUntilReady();
  const spawnMs = performance.now() - began;
  const heapPerTenantKb = (heap() - heap0) / tenants / 1024;
  const redisPerTenantKb = ((await redisStats(stats)).memory - redis0.memory) / tenants / 1024;

  // Idle: everything armed, nothing due; the median (by process + Redis) of BENCH_IDLE_WINDOWS
  // windows, as the runtime benchmark measures its side.
  await sleep(2_000);
  const idleRuns0 = runs;
  const idle = await idleWindows(
    idleWindowCount,
    idleMs,
    async () => ({ cpu: process.cpuUsage(), redis: (await redisStats(stats)).cpuMs }),
    async (start, wallMs) => ({
      process: Number(((processCpuMs(start.cpu) / wallMs) * 100).toFixed(2)),
      redis: Number(((((await redisStats(stats)).cpuMs - start.redis) / wallMs) * 100).toFixed(2)),
    }),
    (percent) => percent.process + percent.redis,
  );
  const idleCpuPercent = idle.median;
  const windows = idle.windows.map((w) => (w.process + w.redis).toFixed(2)).join(', ');
  progress(`${tenants} tenants: ${tenants * KINDS.length} schedulers in ${Math.round(spawnMs)} ms, idle CPU ${idleCpuPercent.process} % + Redis ${idleCpuPercent.redis} % (median of ${windows}; ${runs - idleRuns0} runs meanwhile)`);

  const window = async (until: () => Promise<void>): Promise<Sweep> => {
    const runs0 = runs;
    const calls0 = calls();
    const cpu0 = process.cpuUsage();
    const r0 = await redisStats(stats);
    const wall0 = performance.now();
    await until();
    const wallMs = performance.now() - wall0;
    return { runs: runs - runs0, calls: calls() - calls0, processCpuMs: processCpuMs(cpu0), redisCpuMs: (await redisStats(stats)).cpuMs - r0.cpuMs, wallMs };
  };
  // Sweep 1: the schedulers re-made with the benchmark's interval, each first run at once.
  const expected = tenants * KINDS.length;
  const first = await window(async () => {
    const runs0 = runs;
    await schedule(sweepMs);
    const end = Date.now() + 900_000;
    while (runs - runs0 < expected) {
      if (Date.now() > end) throw new Error(`bullmq sweep 1 timed out at ${runs - runs0} of ${expected} runs`);
      await sleep(20);
    }
  });
  progress(`${tenants} tenants: sweep 1 took ${Math.round(first.wallMs)} ms`);
  // Steady state: one whole interval (BullMQ's `every` puts the next runs on the interval's grid).
  await sleep(2_000);
  const steady = await window(() => sleep(sweepMs));
  progress(`${tenants} tenants: steady interval ${steady.runs} runs, ${steady.calls} calls`);
  const heapPerTenantAfterSweepsKb = (heap() - heap0) / tenants / 1024;
  const redisPerTenantAfterSweepsKb = ((await redisStats(stats)).memory - redis0.memory) / tenants / 1024;

  await worker.close(true);
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  stats.disconnect();
  const withCpu = (s: Sweep) => ({ ...s, cpuPerCallUs: Number(perCallUs(s).toFixed(1)) });
  return {
    tenants,
    spawnMs: Math.round(spawnMs),
    heapPerTenantKb: Number(heapPerTenantKb.toFixed(1)),
    redisPerTenantKb: Number(redisPerTenantKb.toFixed(1)),
    heapPerTenantAfterSweepsKb: Number(heapPerTenantAfterSweepsKb.toFixed(1)),
    redisPerTenantAfterSweepsKb: Number(redisPerTenantAfterSweepsKb.toFixed(1)),
    idleCpuPercent,
    sweeps: { first: withCpu(first), steady: withCpu(steady) },
  };
}

/** The runtime benchmark's result from this same `npm run bench` (same settings, the last hour), if any. */
function runtimeResult(): { at: number; latencyMs: number; jitterMs?: number; sweepMs: number; rows: { tenants: number; spawnMs: number; heapPerTenantAfterSweepsKb: number; idleCpuPercent: number; sweeps: { runtimeCpuPerCallUs: number; runtime: { wallMs: number } }[] }[] } | null {
  const path = '.bench-build/runtime-result.json';
  try {
    if (!existsSync(path)) return null;
    const result = JSON.parse(readFileSync(path, 'utf8'));
    const fresh = Date.now() - result.at < 3_600_000 && result.latencyMs === latencyMs && (result.jitterMs ?? 0) === jitterMs && result.sweepMs === sweepMs;
    return fresh ? result : null;
  } catch {
    return null;
  }
}

const target = await redisTarget();
if (!target) {
  const why = `no Redis reachable (no redis-server binary, nothing at ${process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'})`;
  process.stdout.write(`bullmq benchmark skipped: ${why}\n${JSON.stringify({ bench: 'bullmq', skipped: why })}\n`);
  process.exit(0);
}
const rows: Row[] = [];
try {
  for (const n of sizes) {
    rows.push(await measure(target.url, n));
    progress(`row ${JSON.stringify(rows[rows.length - 1])}`);
  }
} finally {
  await target.stop();
}

const runtime = runtimeResult();
const header = ['tenants', 'schedulers ms', 'heap/tenant KB', '+ Redis KB', 'after sweeps KB', '+ Redis KB ', 'idle CPU % (+ Redis)', 'first sweep s', 'steady CPU/call us (with Redis)', 'runtime: spawn ms', 'first sweep s ', 'steady CPU/call us', 'heap after sweeps KB'];
const lines = rows.map((r) => {
  const ours = runtime?.rows.find((x) => x.tenants === r.tenants);
  return [
    r.tenants,
    r.spawnMs,
    r.heapPerTenantKb,
    r.redisPerTenantKb,
    r.heapPerTenantAfterSweepsKb,
    r.redisPerTenantAfterSweepsKb,
    `${r.idleCpuPercent.process} (+ ${r.idleCpuPercent.redis})`,
    (r.sweeps.first.wallMs / 1000).toFixed(1),
    r.sweeps.steady.cpuPerCallUs,
    ...(ours
      ? [ours.spawnMs, (ours.sweeps[0]!.runtime.wallMs / 1000).toFixed(1), ours.sweeps[1]!.runtimeCpuPerCallUs, ours.heapPerTenantAfterSweepsKb]
      : ['not in this run', '', '', '']),
  ].map(String);
});
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
process.stdout.write(
  [
    `bullmq benchmark: bullmq job schedulers + 1 worker (concurrency ${workerConcurrency}), same collector work and cap ${cap} as the bare loop, fake latency ${latencyMs}${jitterMs > 0 ? ` + 0-${jitterMs - 1}` : ''} ms, interval ${sweepMs / 1000} s, Redis ${target.private ? 'private redis-server (persistence off)' : target.url}`,
    fmt(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...lines.map(fmt),
    JSON.stringify({ bench: 'bullmq', node: process.version, latencyMs, jitterMs, cap, sweepMs, workerConcurrency, privateRedis: target.private, rows }),
    '',
  ].join('\n'),
);
process.exit(0);
