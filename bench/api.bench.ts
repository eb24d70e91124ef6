/**
 * API benchmark (issue 14, "The API holds its users"): the service in demo mode
 * (BENCH_API_TENANTS tenants collecting at a 30 s metrics cadence, so collector writes run during
 * every measurement), and a bare Koa handler returning the same bytes, in one process. DynamoDB
 * (dynalite) and the AWS simulator run in a process of their own (bench/api-backends.ts), as a
 * production deployment reaches DynamoDB and AWS over the network; BENCH_API_BACKENDS=in-process
 * keeps them in the service's process as demo mode does. Measurement starts once the first
 * sweep's backfill has settled. A further process (autocannon, bench/load-driver.ts) drives
 * BENCH_API_CONNECTIONS connections over loopback against the cached overview and findings of
 * one seeded tenant and against the bare handler in BENCH_API_ROUNDS interleaved rounds (bare then
 * API, API then bare, ...; BENCH_API_SECONDS each), so both sides see the same collection sweeps
 * and the same machine load. Per endpoint it reports the medians over the rounds of each side's
 * requests/s, p50 and p99 and of the per-round ratio, as a table and a JSON line with the goals.
 *
 *   npm run bench   (or: tsc -p tsconfig.bench.json && node .bench-build/bench/api.bench.js)
 *   BENCH_API_TENANTS=20 BENCH_API_CONNECTIONS=50 BENCH_API_ROUNDS=5 BENCH_API_SECONDS=3
 *   BENCH_API_COLLECTION=thread,inline   where collection runs, one service after the other
 *                               (COLLECTION_THREAD=on, the default, and off), so the two show side by side
 *   BENCH_API_CPU_PROFILE=dir   also writes a V8 CPU profile of each API measurement (not of the
 *                               bare handler's) to dir, for Chrome DevTools or speedscope
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Koa from 'koa';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { DEMO_PASSWORD } from '../src/service/demo-seed.js';
import { startService, type Service } from '../src/service/start-service.js';
import { startBackendsProcess } from './backends-process.js';
import { withCpuProfile } from './cpu-profile.js';

const tenants = Number(process.env.BENCH_API_TENANTS ?? 20);
const connections = Number(process.env.BENCH_API_CONNECTIONS ?? 50);
const seconds = Number(process.env.BENCH_API_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_API_ROUNDS ?? 5);
const profileDir = process.env.BENCH_API_CPU_PROFILE;
const backendsInProcess = process.env.BENCH_API_BACKENDS === 'in-process';
const GOAL_RATIO = 0.5;
const GOAL_P99_MS = 10;

interface Load {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const run = promisify(execFile);
const driver = fileURLToPath(new URL('./load-driver.js', import.meta.url));

/** Wait until the collectors' first sweep (backfill included) has settled: fewer than 20 writes a second over 3 s. */
async function settled(service: Service): Promise<void> {
  const deadline = Date.now() + 300_000;
  let last = writes(service);
  for (let quiet = 0; quiet < 3 && Date.now() < deadline; ) {
    await sleep(1_000);
    const now = writes(service);
    quiet = now - last < 20 ? quiet + 1 : 0;
    last = now;
  }
}

/** Drive `url` from a second process. */
async function drive(url: string, headers: Record<string, string>): Promise<Load> {
  const { stdout } = await run(process.execPath, [driver, JSON.stringify({ url, connections, durationS: seconds, headers })], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Load;
}

/** Collection's store write requests so far. */
function writes(service: Service): number {
  return service.collectionLoad().writes;
}

/** Measure `url`, noting the collectors' writes and queue meanwhile. */
async function measure(service: Service, url: string, headers: Record<string, string>): Promise<Load & { collectorWrites: number; collectorQueueMax: number }> {
  const before = writes(service);
  let queueMax = 0;
  const sampler = setInterval(() => (queueMax = Math.max(queueMax, service.collectionLoad().pending)), 100);
  try {
    const load = await withCpuProfile(profileDir, `api${new URL(url).pathname.replaceAll('/', '-')}`, () => drive(url, headers));
    return { ...load, collectorWrites: writes(service) - before, collectorQueueMax: queueMax };
  } finally {
    clearInterval(sampler);
  }
}

/** One service with collection where `collection` says; its results per endpoint. */
async function benchService(collection: 'thread' | 'inline') {
  const dir = await mkdtemp(join(tmpdir(), 'cloud-health-api-bench-'));
  const log = createLogger({ level: 'error' });
  const backends = backendsInProcess ? undefined : await startBackendsProcess(tenants, join(dir, 'dynamodb'));
  const config = loadConfig({
    MODE: 'demo',
    PORT: '0',
    DATA_DIR: dir,
    DEMO_TENANTS: String(tenants),
    METRICS_INTERVAL: '30s',
    STARTUP_SPREAD: '10s',
    LOG_LEVEL: 'error',
    LEASES: 'off',
    COLLECTION_THREAD: collection === 'thread' ? 'on' : 'off',
    ...(backends ? { DYNAMODB_ENDPOINT: backends.dynamodb } : {}),
  });
  const service = await startService(
    config,
    log,
    backends ? { simEndpoint: backends.sim, store: { credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } } } : {},
  );
  const bare = new Koa();
  let bareBody = Buffer.alloc(0);
  bare.use((ctx) => {
    ctx.type = 'application/json';
    ctx.body = bareBody;
  });
  const bareServer = bare.listen(0, '127.0.0.1');
  await new Promise((resolve) => bareServer.once('listening', resolve));
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/`;
  try {
    if (service.collection !== collection) throw new Error(`collection runs ${service.collection}, not ${collection}`);
    const origin = new URL(service.url).origin;
    const login = await fetch(`${service.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ email: 'demo1@example.com', password: DEMO_PASSWORD }),
    });
    const cookie = /sid=[A-Za-z0-9_-]+/.exec(login.headers.get('set-cookie') ?? '')?.[0];
    if (!cookie) throw new Error(`login failed: ${login.status}`);
    const headers = { cookie };
    // Wait until the seeded tenant shows collected data (its first runs after the start-up spread; slow on a loaded machine).
    const deadline = Date.now() + 600_000;
    for (;;) {
      const body = (await (await fetch(`${service.url}/api/overview`, { headers })).json()) as { accounts: { cost: { monthToDateUsd: number }; health: { ok: number; alarm: number } }[] };
      if (body.accounts.some((a) => a.cost.monthToDateUsd > 0 || a.health.ok + a.health.alarm > 0)) break;
      if (Date.now() > deadline) throw new Error('the demo tenant never showed collected data');
      await sleep(1_000);
    }
    await settled(service);
    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    };
    const results = [];
    for (const path of ['/api/overview', '/api/findings']) {
      const response = await fetch(`${service.url}${path}`, { headers });
      bareBody = Buffer.from(await response.arrayBuffer());
      const bareLoads: Load[] = [];
      const apiLoads: (Load & { collectorWrites: number; collectorQueueMax: number })[] = [];
      for (let round = 0; round < rounds; round++) {
        // Alternate which side goes first, so neither always follows the other's load.
        if (round % 2 === 0) bareLoads.push(await drive(bareUrl, {}));
        apiLoads.push(await measure(service, `${service.url}${path}`, headers));
        if (round % 2 === 1) bareLoads.push(await drive(bareUrl, {}));
      }
      const ratios = apiLoads.map((api, i) => api.requestsPerSec / bareLoads[i]!.requestsPerSec);
      const ratio = median(ratios);
      const api = {
        requestsPerSec: Math.round(median(apiLoads.map((l) => l.requestsPerSec))),
        p50Ms: median(apiLoads.map((l) => l.p50Ms)),
        p99Ms: median(apiLoads.map((l) => l.p99Ms)),
        p99MsWorst: Math.max(...apiLoads.map((l) => l.p99Ms)),
        non2xx: apiLoads.reduce((n, l) => n + l.non2xx, 0),
        errors: apiLoads.reduce((n, l) => n + l.errors, 0),
        timeouts: apiLoads.reduce((n, l) => n + l.timeouts, 0),
        requests: apiLoads.reduce((n, l) => n + l.requests, 0),
      };
      results.push({
        endpoint: path,
        bytes: bareBody.length,
        rounds,
        bare: { requestsPerSec: Math.round(median(bareLoads.map((l) => l.requestsPerSec))), p50Ms: median(bareLoads.map((l) => l.p50Ms)), p99Ms: median(bareLoads.map((l) => l.p99Ms)) },
        api,
        ratio: Math.round(ratio * 100) / 100,
        ratios: ratios.map((r) => Math.round(r * 100) / 100),
        collectorWritesDuring: apiLoads.reduce((n, l) => n + l.collectorWrites, 0),
        collectorQueueMax: Math.max(...apiLoads.map((l) => l.collectorQueueMax)),
        goals: { ratio: `>= ${GOAL_RATIO}`, p99Ms: `< ${GOAL_P99_MS}`, ratioMet: api.requests > 0 && ratio >= GOAL_RATIO, p99Met: api.requests > 0 && api.p99Ms < GOAL_P99_MS },
      });
    }
    return results;
  } finally {
    bareServer.close();
    await service.stop();
    backends?.child.kill('SIGTERM');
    if (backends && backends.child.exitCode === null) await once(backends.child, 'exit');
    await rm(dir, { recursive: true, force: true });
  }
}

const modes = (process.env.BENCH_API_COLLECTION ?? 'thread,inline').split(',').map((m) => m.trim()) as ('thread' | 'inline')[];
const all = [];
for (const collection of modes) all.push(...(await benchService(collection)).map((r) => ({ collection, ...r })));
const line = (cells: (string | number)[]) => cells.map((c, i) => String(c).padEnd(i === 0 ? 16 : i === 1 ? 10 : 12)).join('');
const where = backendsInProcess ? 'dynalite and simulator in the service process' : 'dynalite and simulator in another process';
console.log(`API at ${connections} connections, ${rounds} interleaved rounds of ${seconds} s a side (medians), ${tenants} demo tenants collecting (metrics every 30 s; ${where}); collection in a worker thread (thread) or on the API's (inline); ${cpus().length} CPUs, node ${process.version}`);
console.log(line(['endpoint', 'collection', 'bare req/s', 'api req/s', 'ratio', 'goal', 'bare p99', 'api p50', 'api p99', 'goal', 'worst p99', 'coll. writes']));
for (const r of all) {
  console.log(line([r.endpoint, r.collection, r.bare.requestsPerSec, r.api.requestsPerSec, r.ratio, `>=${GOAL_RATIO} ${r.goals.ratioMet ? 'met' : 'MISSED'}`, `${r.bare.p99Ms} ms`, `${r.api.p50Ms} ms`, `${r.api.p99Ms} ms`, `<${GOAL_P99_MS} ${r.goals.p99Met ? 'met' : 'MISSED'}`, `${r.api.p99MsWorst} ms`, r.collectorWritesDuring]));
}
console.log(JSON.stringify({ bench: 'api', backends: backendsInProcess ? 'in-process' : 'separate-process', connections, rounds, seconds, tenants, cpus: cpus().length, node: process.version, results: all }));
