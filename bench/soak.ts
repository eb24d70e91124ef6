/**
 * Soak benchmark (issue 17): the demo service in this process — embedded store on disk, simulated
 * AWS, N demo tenants at the demo cadences — for D minutes. Each minute it forces a full GC and
 * samples live heap, RSS and the store directory's size, with the collector runs and emails of
 * that minute (and the runs that failed, process CPU, event-loop delay p99, collectors overdue
 * and the machine's load, to tell a leak from a backlog); at the end it prints the least-squares slope of each over the last half of the run
 * (MB per minute), as a table and a JSON line. A store that leaks shows a steady positive slope.
 *
 * `--sim apart` runs the AWS simulator in a child process (bench/soak-sim.ts), so the figures are
 * the service's alone, as in production (the simulator's own heap and RSS get columns of their
 * own); by default it runs in this process, as demo mode does. `--store apart` (with `--sim
 * apart`) also moves the store there: dynalite as a DynamoDB endpoint, reached over loopback as
 * production reaches DynamoDB (leases on, as with any endpoint). `--cadences production` uses
 * the production defaults (metrics 5 min, security 15 min, cost 1 h, health 30 min, compliance
 * 1 h; first runs spread over 60 s) instead of demo mode's: with `overdue` at 0 that is the capacity
 * run of issue 14.
 *
 * `--collection inline` runs collection on the API's thread (COLLECTION_THREAD=off); by default it
 * runs in its worker thread: heap is then both threads' live heaps, `loop p99 ms` the API thread's
 * event-loop delay and `coll. loop` the collection thread's.
 *
 *   npm run soak -- --tenants 100 --minutes 30 [--sim apart [--store apart]] [--cadences production] [--collection inline] [--keep]
 *   (defaults: 100 tenants, 30 minutes)
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/config.js';
import { createLogger, routeProcessWarnings } from '../src/log.js';
import { startService } from '../src/service/start-service.js';
import { cpuMsSince } from './collector-work.js';

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

const tenants = argument('tenants', 100);
const minutes = argument('minutes', 30);
const sampleMs = argument('sample-seconds', 60) * 1_000;
const keep = process.argv.includes('--keep');
const simIndex = process.argv.indexOf('--sim');
const simApart = simIndex >= 0 && process.argv[simIndex + 1] === 'apart';
if (simIndex >= 0 && !simApart) throw new Error('--sim takes "apart" (the default runs it in this process)');
const storeIndex = process.argv.indexOf('--store');
const storeApart = storeIndex >= 0 && process.argv[storeIndex + 1] === 'apart';
if (storeIndex >= 0 && !(storeApart && simApart)) throw new Error('--store takes "apart", with --sim apart');
const cadenceIndex = process.argv.indexOf('--cadences');
const productionCadences = cadenceIndex >= 0 && process.argv[cadenceIndex + 1] === 'production';
if (cadenceIndex >= 0 && !productionCadences) throw new Error('--cadences takes "production" (the default is demo mode\'s)');
const collectionIndex = process.argv.indexOf('--collection');
const collection = collectionIndex >= 0 ? process.argv[collectionIndex + 1] : 'thread';
if (collection !== 'thread' && collection !== 'inline') throw new Error('--collection takes "thread" (the default) or "inline"');

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run soak does)');

/** Bytes under `dir`, recursively (LevelDB's files: what the store really holds on disk). */
async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await sizeOf(path) : (await stat(path).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const MB = 1024 * 1024;
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

const dataDir = await mkdtemp(join(tmpdir(), 'cloud-health-soak-'));
const logPath = join(dataDir, 'service.log');
const logFile = createWriteStream(logPath);
const storeDir = join(dataDir, 'dynamodb');
const startBegan = Date.now();
const serviceLog = createLogger({ level: 'warn', destination: logFile });
routeProcessWarnings(serviceLog);
// Demo users' password hashes at a low scrypt cost: seeding 1,000 tenants at the production cost
// takes many minutes on a loaded 2-core machine, and login hashing is not what a soak measures.
interface SimSample {
  heapUsed: number;
  rss: number;
  emailsAccepted: number;
}
let simChild: ChildProcess | undefined;
let backends: { endpoint: string; dynamodb?: string } | undefined;
if (simApart) {
  const child = fork(fileURLToPath(new URL('./soak-sim.js', import.meta.url)), [String(tenants), ...(storeApart ? [storeDir] : [])], { execArgv: ['--expose-gc'] });
  simChild = child;
  backends = await new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as { endpoint: string; dynamodb?: string }));
    child.once('exit', (code) => reject(new Error(`the simulator process exited (${code})`)));
  });
}
// The SDK's default chain reads the process environment: any key does for dynalite.
if (backends?.dynamodb) Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'dynalite', AWS_SECRET_ACCESS_KEY: 'dynalite' });
const config = loadConfig({
  MODE: 'demo',
  PORT: '0',
  DATA_DIR: dataDir,
  DEMO_TENANTS: String(tenants),
  LOG_LEVEL: 'warn',
  COLLECTION_THREAD: collection === 'thread' ? 'on' : 'off',
  ...(backends?.dynamodb ? { DYNAMODB_ENDPOINT: backends.dynamodb } : {}),
  ...(productionCadences ? { METRICS_INTERVAL: '5m', SECURITY_INTERVAL: '15m', COST_INTERVAL: '1h', HEALTH_INTERVAL: '30m', COMPLIANCE_INTERVAL: '1h', STARTUP_SPREAD: '60s' } : {}),
});
/** The simulator's memory (apart) and the emails SES accepted so far. */
async function simSample(): Promise<SimSample | { emailsAccepted: number }> {
  if (!simChild) return { emailsAccepted: service.sim?.emailsAccepted() ?? 0 };
  const child = simChild;
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message as SimSample));
    child.send('sample');
  });
}
const service = await startService(config, serviceLog, { store: { scrypt: { N: 1024, r: 8, p: 1, keyLength: 32 } }, ...(backends ? { simEndpoint: backends.endpoint } : {}) });
const sum = (record: Record<string, number | undefined>) => Object.values(record).reduce<number>((a, b) => a + (b ?? 0), 0);
const runs = () => sum(service.runtime.registry.counters().collectorRuns);
const failures = () => sum(service.runtime.registry.counters().collectorFailures);

interface Sample {
  minute: number;
  heapMb: number;
  rssMb: number;
  storeMb: number;
  runs: number;
  /** Runs that failed (any kind: AWS refusals, deadlines, bugs) in the minute. */
  failed: number;
  emails: number;
  /** Process CPU in the minute, % of one core. */
  cpuPercent: number;
  /** Event-loop delay p99 over the minute, ms: the API's thread (the only one inline). */
  loopP99Ms: number;
  /** With the collection thread: its event-loop delay p99 over the minute, ms. */
  collectionLoopP99Ms?: number;
  /** Collectors past their due slot at the sample, and the oldest's lateness in s. */
  overdue: number;
  oldestOverdueS: number;
  /** The machine's 1-minute load average (the soak shares it). */
  load: number;
  /** With `--sim apart`: the simulator process's live heap and RSS. */
  simHeapMb?: number;
  simRssMb?: number;
}
const samples: Sample[] = [];
const started = Date.now();
let lastRuns = runs();
let lastEmails = (await simSample()).emailsAccepted;
let lastFailures = failures();
let lastCpu = process.cpuUsage();
const loop = monitorEventLoopDelay({ resolution: 20 });
loop.enable();
process.stdout.write(`started in ${Date.now() - startBegan} ms; soak: ${tenants} demo tenants for ${minutes} min, collection ${service.collection} (${config.intervalsMs.metrics / 1000} s metrics, ${config.intervalsMs.security / 1000} s security, ${config.intervalsMs.cost / 1000} s cost), data in ${dataDir}\n`);
const columns: [string, (s: Sample) => number][] = [
  ['minute', (s) => s.minute],
  ['heap MB', (s) => s.heapMb],
  ['RSS MB', (s) => s.rssMb],
  ['store MB', (s) => s.storeMb],
  ['runs', (s) => s.runs],
  ['failed', (s) => s.failed],
  ['emails', (s) => s.emails],
  ['CPU %', (s) => s.cpuPercent],
  ['loop p99 ms', (s) => s.loopP99Ms],
  ...(collection === 'thread' ? ([['coll. loop', (s) => s.collectionLoopP99Ms ?? 0]] as [string, (s: Sample) => number][]) : []),
  ['overdue', (s) => s.overdue],
  ['oldest s', (s) => s.oldestOverdueS],
  ['load', (s) => s.load],
  ...(simApart
    ? ([
        ['sim heap', (s) => s.simHeapMb ?? 0],
        ['sim RSS', (s) => s.simRssMb ?? 0],
      ] as [string, (s: Sample) => number][])
    : []),
];
process.stdout.write(`${columns.map(([name]) => name.padStart(9)).join(' ')}\n`);
for (let i = 1; i <= Math.round((minutes * 60_000) / sampleMs); i++) {
  await sleep(started + i * sampleMs - Date.now());
  gc();
  gc();
  // The collection thread's heap is its own isolate's (after its own full GC); RSS and CPU are the process's.
  const thread = await service.collectionSample();
  const memory = process.memoryUsage();
  const nowRuns = runs();
  const sim = await simSample();
  const nowEmails = sim.emailsAccepted;
  const nowFailures = failures();
  const lag = service.runtime.registry.lag();
  const sample: Sample = {
    minute: round((i * sampleMs) / 60_000, 2),
    heapMb: round((memory.heapUsed + (thread?.heapUsedBytes ?? 0)) / MB),
    rssMb: round(memory.rss / MB),
    storeMb: round((await sizeOf(storeDir)) / MB),
    runs: nowRuns - lastRuns,
    failed: nowFailures - lastFailures,
    emails: nowEmails - lastEmails,
    cpuPercent: round((cpuMsSince(lastCpu) / sampleMs) * 100),
    loopP99Ms: round(loop.percentile(99) / 1e6),
    ...(thread ? { collectionLoopP99Ms: round(thread.loopDelayP99Ms) } : {}),
    overdue: lag.overdue,
    oldestOverdueS: round(lag.oldestOverdueMs / 1000),
    load: round(loadavg()[0]!),
    ...('rss' in sim ? { simHeapMb: round(sim.heapUsed / MB), simRssMb: round(sim.rss / MB) } : {}),
  };
  lastRuns = nowRuns;
  lastEmails = nowEmails;
  lastFailures = nowFailures;
  lastCpu = process.cpuUsage();
  loop.reset();
  samples.push(sample);
  process.stdout.write(`${columns.map(([, value]) => String(value(sample)).padStart(9)).join(' ')}\n`);
}

const stopBegan = Date.now();
await service.stop();
const stopMs = Date.now() - stopBegan;
simChild?.disconnect();
await new Promise((resolve) => logFile.end(resolve));
// What the service logged at warn and above, counted by message (the log itself stays in DATA_DIR with --keep).
const logged: Record<string, number> = {};
for (const line of (await readFile(logPath, 'utf8')).split('\n')) {
  if (!line) continue;
  const entry = JSON.parse(line) as { level: number; msg: string };
  const key = `${entry.level >= 50 ? 'error' : 'warn'}: ${entry.msg}`;
  logged[key] = (logged[key] ?? 0) + 1;
}
const half = samples.slice(Math.floor(samples.length / 2));
const xs = half.map((s) => s.minute);
const slopes = {
  heapMbPerMin: round(slope(xs, half.map((s) => s.heapMb)), 2),
  rssMbPerMin: round(slope(xs, half.map((s) => s.rssMb)), 2),
  storeMbPerMin: round(slope(xs, half.map((s) => s.storeMb)), 2),
};
const first = samples[0];
const last = samples.at(-1);
process.stdout.write(
  `slope over the last ${half.length} samples (minutes ${xs[0]}-${xs.at(-1)}): heap ${slopes.heapMbPerMin} MB/min, RSS ${slopes.rssMbPerMin} MB/min, store ${slopes.storeMbPerMin} MB/min; stop took ${stopMs} ms\n`,
);
process.stdout.write(
  `${JSON.stringify({ bench: 'soak', tenants, minutes, sim: simApart ? 'apart' : 'in-process', store: storeApart ? 'apart' : 'in-process', cadences: productionCadences ? 'production' : 'demo', collection, sampleSeconds: sampleMs / 1000, node: process.version, first, last, slopeLastHalf: slopes, runsTotal: samples.reduce((a, s) => a + s.runs, 0), emailsTotal: samples.reduce((a, s) => a + s.emails, 0), stopMs, logged, samples })}\n`,
);
// A stop step cut short by its budget (the store's close, when overloaded) can leave dynalite
// finishing a request: remove the data synchronously and exit, so it never runs on a removed dir.
if (!keep) rmSync(dataDir, { recursive: true, force: true });
else process.stdout.write(`kept ${dataDir} (service log: ${logPath})\n`);
process.exit(0);
