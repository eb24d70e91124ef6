/**
 * Collection in a worker thread (COLLECTION_THREAD=on, the default), through the real service in
 * demo mode: the API thread's cached reads are dropped by the collection thread's writes (the
 * memory cache of each thread, no Redis), worker health crosses as the registry's transitions,
 * operator actions and verification mail cross as messages, and a stop closes the thread.
 */
import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { threadId } from 'node:worker_threads';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { DEMO_PASSWORD } from '../../src/service/demo-seed.js';
import { startCollectionThread } from '../../src/service/collection-thread-client.js';
import { startService } from '../../src/service/start-service.js';
import { TEST_SCRYPT } from '../store/fixtures/store.js';

const DEADLINE_MS = 120_000;

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const end = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`not within ${DEADLINE_MS} ms: ${what}`);
    await sleep(200);
  }
}

t.test('collection in a worker thread: fresh reads, mirrored health, actions and mail cross, clean stop', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cloud-health-thread-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const config = loadConfig({
    MODE: 'demo',
    PORT: '0',
    DATA_DIR: dataDir,
    DEMO_TENANTS: '2',
    METRICS_INTERVAL: '2s',
    SECURITY_INTERVAL: '30m',
    COST_INTERVAL: '30m',
    // The first runs come well after the first read below, which caches an overview without data.
    STARTUP_SPREAD: '4s',
    SHUTDOWN_DEADLINE: '3s',
  });
  t.equal(config.collectionThread, true, 'on by default');
  // Cached reads live 10 minutes: only an invalidation from the collection thread can refresh them.
  const service = await startService(config, silentLogger(), { store: { scrypt: TEST_SCRYPT, cacheTtlMs: 600_000 } });
  let stopped = false;
  t.teardown(() => (stopped ? undefined : service.stop()));
  t.equal(service.collection, 'thread', 'collection runs in the worker thread');
  t.equal(service.mailer, undefined, 'no mailer on the API thread');

  const origin = new URL(service.url).origin;
  const login = await fetch(`${service.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ email: 'demo1@example.com', password: DEMO_PASSWORD }),
  });
  t.equal(login.status, 200, 'logged in');
  const cookie = /sid=[A-Za-z0-9_-]+/.exec(login.headers.get('set-cookie') ?? '')![0];
  type Overview = { accounts: { health: { ok: number; alarm: number } }[] };
  const overview = async () => (await (await fetch(`${service.url}/api/overview`, { headers: { cookie } })).json()) as Overview;
  const collected = (body: Overview) => body.accounts.some((a) => a.health.ok + a.health.alarm > 0);

  const first = await overview();
  t.notOk(collected(first), 'the first overview, read before any run, has no metrics (and is now cached)');
  await until('the cached overview shows the collection thread\'s data', async () => ((await overview()).accounts.some((a) => a.health.ok + a.health.alarm > 0) ? true : undefined));
  t.pass('the collection thread\'s writes dropped the API thread\'s cached overview');

  const tenantId = (await service.store.users.findByEmail('demo1@example.com'))!.tenantId;
  const health = await until('the mirrored registry shows metric runs', () => {
    const entry = service.runtime.registry.get(tenantId);
    return entry && entry.collectors.metrics && entry.collectors.metrics.runs >= 2 ? entry : undefined;
  });
  t.equal(health.state, 'running', 'the tenant runs, as the mirror tells');
  t.ok(Object.keys(health.accounts).length > 0, 'with its accounts');
  t.ok(service.runtime.registry.counters().collectorRuns.metrics >= 2, 'the counters cross too');
  t.ok(Object.values(service.runtime.registry.counters().awsCalls).some((n) => n > 0), 'and the AWS call counts, folded per batch');
  t.same(service.runtime.registry.summary().tenants, { running: 2, backoff: 0, parked: 0, stopped: 0 }, 'both tenants running');

  const ops = (await (await fetch(`${service.url}/ops/health`)).json()) as { status: string; fleet: { tenants: number } };
  // `behind` when a loaded machine made runs late: that too is the mirror's answer.
  t.match(ops.status, /^(ok|behind)$/, `/ops/health answers from the mirror (${ops.status})`);
  t.equal(ops.fleet.tenants, 2);
  const metrics = await (await fetch(`${service.url}/metrics`)).text();
  t.match(metrics, /^cloud_health_collection_event_loop_delay_p99_seconds \d/m, '/metrics has the collection thread\'s event-loop delay');
  t.match(metrics, /^cloud_health_collector_runs_total\{kind="metrics"\} [1-9]/m, 'and the runs counted in the thread');

  t.equal(service.runtime.restartTenant('t-nobody'), false, 'an unknown tenant is not restarted');
  const runsBefore = service.runtime.registry.get(tenantId)!.collectors.metrics!.runs;
  t.equal(service.runtime.runNow(tenantId), true, 'run-now crosses to the thread');
  const reconciled = await service.runtime.reconcile();
  t.equal(reconciled.total, 2, 'a reconcile is a call with a reply');
  await until('a run after run-now', () => (service.runtime.registry.get(tenantId)!.collectors.metrics!.runs > runsBefore ? true : undefined));
  t.pass('runs go on');

  const email = `thread-${threadId}@example.com`;
  const signup = await fetch(`${service.url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ email, password: 'a long enough password', organization: 'Thread Ltd' }),
  });
  t.equal(signup.status, 201, 'signed up');
  await until('the verification email, sent by the collection thread\'s mailer', () => (service.sim!.outbox().some((m) => m.to.includes(email)) ? true : undefined));
  t.pass('verification mail crosses to the mailer and out through SES');

  const load = service.collectionLoad();
  t.ok(load.writes > 0, `the thread reports its store writes (${load.writes})`);

  await service.stop();
  stopped = true;
  t.equal(service.runtime.restartTenant(tenantId), false, 'nothing to restart after the stop');
  await t.rejects(service.runtime.reconcile(), /ended/, 'calls after the stop are refused');
});

t.test('a collection thread that cannot open its store fails the start with its own error, logged as fatal', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cloud-health-thread-fail-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const config = loadConfig({ MODE: 'demo', PORT: '0', DATA_DIR: dataDir, SHUTDOWN_DEADLINE: '1s' });
  const fatal: unknown[] = [];
  const log = silentLogger();
  log.fatal = ((...args: unknown[]) => void fatal.push(args[0])) as typeof log.fatal;
  const started = startCollectionThread(
    {
      config,
      // Nothing listens on the discard port: the thread's store cannot verify its tables.
      connection: { dynamo: { kind: 'endpoint', endpoint: 'http://127.0.0.1:9' }, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } },
      simEndpoint: undefined,
      publicUrl: 'http://127.0.0.1:1',
      overrides: {},
      forwardInvalidations: false,
      log: { level: 'silent', forward: false },
    },
    { log, onInvalidate: () => {} },
  );
  const error = await started.then(
    () => undefined,
    (reason: unknown) => reason as Error,
  );
  t.ok(error, 'the start rejects');
  t.notMatch(error?.message ?? '', /exited before it was ready/, `with the thread's own error (${error?.message})`);
  t.ok(fatal.length > 0, 'and the thread\'s error is logged as fatal');
});
