/**
 * The collector work every side of the runtime benchmarks does, without the runtime: a collector
 * job on the fake gateway and sink, its AWS calls through one p-limit with the global cap, and its
 * run statuses merged and stored as the collector actor does. No actors, breakers, deadlines or
 * shares. The bare loop (bench/runtime.bench.ts) and the BullMQ competitor (bench/bullmq.bench.ts)
 * both call it, so they do the same work per run.
 */
import { readFileSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import { systemClock } from '../src/actors/clock.js';
import { FakeGateway, makeTenant, MemorySink, MemoryTenantSource } from '../test/support/fakes.js';
import { hash32 } from '../src/actors/hash32.js';
import { nextSlot } from '../src/actors/services.js';
import { mergeRunStatus } from '../src/actors/run-status.js';
import { defaultJobs, type CollectContext } from '../src/collectors/index.js';
import type { ResultSink, RunStatus } from '../src/domain/sink.js';
import type { AwsGateway } from '../src/domain/gateway.js';
import type { CollectorKind, Tenant } from '../src/domain/tenant.js';
import { silentLogger } from '../src/log.js';

export interface CollectorWork {
  /** One run of `kind` for `tenant` (its memory and statuses kept between runs). */
  run(tenant: Tenant, kind: CollectorKind): Promise<void>;
}

export function collectorWork(options: { gateway: AwsGateway; sink: ResultSink; cap: number; intervalMs: number }): CollectorWork {
  const jobs = defaultJobs();
  const limit = pLimit(options.cap);
  const statuses = new Map<string, RunStatus>();
  const memories = new Map<string, Map<string, unknown>>();
  const log = silentLogger();
  // One signal for every run (never aborted), as a loop without deadlines would have.
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  return {
    async run(tenant, kind) {
      const key = `${tenant.id}/${kind}`;
      let memory = memories.get(key);
      if (!memory) memories.set(key, (memory = new Map()));
      const ctx: CollectContext = {
        tenantId: tenant.id,
        kind,
        accounts: tenant.accounts,
        settings: tenant.settings,
        now: Date.now(),
        intervalMs: options.intervalMs,
        force: false,
        signal,
        aws: options.gateway,
        call: (_service, fn) => limit(() => fn(signal)),
        sink: options.sink,
        previous: (accountId) => statuses.get(`${key}/${accountId}`),
        memory,
        log,
      };
      const outcomes = await jobs[kind](ctx);
      for (const outcome of outcomes) {
        const account = tenant.accounts.find((a) => a.id === outcome.accountId)!;
        const previous = statuses.get(`${key}/${account.id}`);
        const status = mergeRunStatus(previous, { tenantId: tenant.id, account, collector: kind, outcome, now: ctx.now });
        await options.sink.putRunStatus(status, previous);
        statuses.set(`${key}/${account.id}`, status);
      }
    },
  };
}

/** Live heap after two forced collections (the benchmarks run with --expose-gc). */
export function liveHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * CPU time of the main thread alone so far, in ms (Linux: utime + stime of /proc/self/task/<pid>,
 * in clock ticks of 10 ms); undefined elsewhere. `process.cpuUsage` counts every thread of the
 * process, the garbage collector's helper threads included (Node 20 has no threadCpuUsage).
 */
export function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * How many times the main thread has blocked so far (Linux: voluntary_ctxt_switches of
 * /proc/self/task/<pid>/status); undefined elsewhere. Each is one wait of the event loop for I/O or
 * a timer, so the count between two readings is the loop's wakeups. Each costs CPU before any
 * work: 34-96 us for an empty Node timer loop on this project's 2-core machine (2026-12-06; the
 * runtime benchmark measures and prints it).
 */
export function mainThreadWakeups(): number | undefined {
  try {
    const status = readFileSync(`/proc/self/task/${process.pid}/status`, 'utf8');
    const match = /^voluntary_ctxt_switches:\s+(\d+)$/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Process CPU (user + system) in ms since `since`. */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** Idle windows measured back to back: the median is the figure, the rest shows the spread. */
export interface IdleWindows<T> {
  median: T;
  windows: T[];
}

/**
 * CPU rates over `count` consecutive windows of `windowMs`, each `measure`d from a start taken by
 * `begin`. One window alone says more about whether V8 happened to collect in it (its memory
 * reducer collects the heap a few times after a full GC, with nothing allocating) than about
 * the idle cost; the median of several does not depend on that.
 */
export async function idleWindows<S, T>(count: number, windowMs: number, begin: () => Promise<S> | S, measure: (start: S, wallMs: number) => Promise<T> | T, key: (value: T) => number): Promise<IdleWindows<T>> {
  const windows: T[] = [];
  for (let i = 0; i < Math.max(1, count); i++) {
    const start = await begin();
    const wall0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    windows.push(await measure(start, performance.now() - wall0));
  }
  const sorted = [...windows].sort((a, b) => key(a) - key(b));
  return { median: sorted[Math.floor((sorted.length - 1) / 2)]!, windows };
}

/**
 * One interval of the bare loop spread as the runtime spreads it: each collector of each tenant
 * runs at the phase the runtime gives it (hash of tenant and kind, as `nextSlot`), started from
 * one timer chain over the runs sorted by slot (the cheapest scheduled loop). `start` returns, at
 * the interval's start, the function that runs it and resolves with the runs made once the
 * interval is over.
 */
export function spreadInterval(work: CollectorWork, tenants: readonly Tenant[], kinds: readonly CollectorKind[], intervalMs: number): () => Promise<number> {
  const start = Date.now();
  const slots = tenants
    .flatMap((tenant) => kinds.map((kind) => ({ tenant, kind, at: nextSlot(start, hash32(`${tenant.id}:${kind}`) % intervalMs, intervalMs) })))
    .sort((a, b) => a.at - b.at);
  return async () => {
    const running: Promise<void>[] = [];
    let next = 0;
    await new Promise<void>((resolve) => {
      const fire = () => {
        const now = Date.now();
        while (next < slots.length && slots[next]!.at <= now) {
          const { tenant, kind } = slots[next++]!;
          running.push(work.run(tenant, kind));
        }
        if (next < slots.length) setTimeout(fire, slots[next]!.at - now);
        else resolve();
      };
      fire();
    });
    await Promise.all(running);
    await sleep(Math.max(0, start + intervalMs - Date.now()));
    return running.length;
  };
}

/**
 * The runtime benchmarks' fixture: `tenants` tenants (one account, one region), a fake gateway of
 * `latencyMs` (+ up to `jitterMs`) a call, and a sink that keeps nothing (the runtime is measured,
 * not the fake sink).
 */
export function benchFixture(tenants: number, latencyMs: number, jitterMs: number) {
  const source = new MemoryTenantSource();
  const list: Tenant[] = [];
  for (let i = 0; i < tenants; i++) {
    const tenant = makeTenant(`t${i}`);
    source.put(tenant);
    list.push(tenant);
  }
  const fake = new FakeGateway({ clock: systemClock, latencyMs, jitterMs });
  const sink = new MemorySink();
  sink.write = async () => {};
  sink.putRunStatus = async () => {};
  return { source, list, fake, sink };
}
