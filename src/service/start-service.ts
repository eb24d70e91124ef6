/**
 * The composition root: config -> logger -> store -> (demo: simulator + demo tenants) -> AWS
 * adapters -> mailer -> supervision runtime -> HTTP. `stop()` undoes it in reverse order within the
 * shutdown deadline: stop taking requests, let collection finish or abort it, send what mail it
 * can, flush, close.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createRuntime, type Runtime } from '../actors/index.js';
import { createAwsGateway, createMailSender, type AwsAdapters, type MailSender } from '../aws/index.js';
import { createChannelDelivery, createChannelService, createGuardedPost, type ChannelDeliveryOptions, type GuardedPostOptions } from '../channels/index.js';
import type { Config } from '../config.js';
import type { ResultSink } from '../domain/sink.js';
import { createApp, serveWeb, startHttpServer, type HttpServer } from '../http/index.js';
import { createMetricDiscovery } from './metric-discovery.js';
import type { Logger } from '../log.js';
import { createMailer, type Mailer, type MailerOptions } from '../mail/index.js';
import { startSimulator, type Simulator } from '../sim/index.js';
import { accountSecretContext, createStore, storeOptionsFromConfig, type Store, type StoreOptions } from '../store/index.js';
import { demoSimOptions, seedDemo, DEMO_PASSWORD, DEMO_SENDER } from './demo-seed.js';
import { crashingOutbox, crashingSender, type CrashPoint } from './crash-points.js';
import { notifyingSink } from './notifying-sink.js';
import { packageRoot } from './package-root.js';
import { createPersistentLedger } from './persistent-ledger.js';
import { persistRecommendations } from './persist-recommendations.js';
import { createRecommendationRefresher } from './recommendation-refresher.js';
import { createLeaseCoordinator, leasedTenantSource, type LeaseCoordinator } from './lease-coordinator.js';
import { systemClock } from '../domain/clock.js';

/** A running service. */
export interface Service {
  readonly url: string;
  readonly store: Store;
  readonly runtime: Runtime;
  readonly mailer: Mailer;
  /** Demo mode only. */
  readonly sim: Simulator | undefined;
  /** When leases are on (several instances). */
  readonly leases: LeaseCoordinator | undefined;
  /** Stop everything, in reverse order of start. Idempotent. */
  stop(): Promise<void>;
}

export interface ServiceOverrides {
  /** Tests: store options on top of those from the config (e.g. a table prefix, cheap scrypt). */
  store?: Partial<StoreOptions>;
  /** Tests: mailer tuning on top of the config's (e.g. short locks and batch windows). */
  mailer?: MailerOptions;
  /** Tests: how long cost results of a tenant are coalesced before its recommendations are evaluated (default 30 s). */
  recommendationsCoalesceMs?: number;
  /** Tests: wrap the sink the runtime writes to (fault injection around the real one). */
  sink?: (sink: ResultSink) => ResultSink;
  /** Tests: alert channel delivery tuning (e.g. short retries). */
  channels?: Partial<Pick<ChannelDeliveryOptions, 'retry' | 'failingAfter' | 'lockMs'>>;
  /** Tests: options of the channels' guarded HTTPS client (e.g. a test CA, a short timeout). */
  channelPost?: Omit<GuardedPostOptions, 'allowPrivate'>;
  /** Tests only: crash points of the alert path (the alert-durability test kills the process there). */
  crash?: CrashPoint;
  /** Tests only, demo mode: use this running simulator (e.g. the test's, shared across processes) instead of starting one. */
  simEndpoint?: string;
}

/** After collection's deadline, how long the rest of a stop may take: the mailer's 5 s to send what it can, then closing. */
export const STOP_FLUSH_MS = 8_000;
/** What each step of a stop gets at least, even when an earlier one used up the budget. */
const STEP_FLOOR_MS = 500;

/** The simulator accepts any credentials; the platform's own, in demo mode. */
const DEMO_PLATFORM_CREDENTIALS = { accessKeyId: 'AKIA000000000000DEMO', secretAccessKey: 'demo-platform-secret' };
/** The AWS account the platform runs in, named in onboarding trust policies (demo: a fixed fake). */
const DEMO_PLATFORM_ACCOUNT = '000000000000';

/** A free TCP port on `host`, for demo mode's PORT=0 (the public URL must be known before the app). */
async function freePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, host, resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Start the whole service from a validated configuration. */
export async function startService(config: Config, log: Logger, overrides: ServiceOverrides = {}): Promise<Service> {
  const steps: { name: string; close: () => Promise<void> | void }[] = [];
  // Every step gets what is left of the stop's budget (collection's deadline plus the flush), and
  // at least STEP_FLOOR_MS, so one stuck step cannot keep the store from closing nor the process
  // from exiting: a stop under any load keeps to SHUTDOWN_DEADLINE + STOP_FLUSH_MS (+ floors).
  const closeAll = async () => {
    const budgetEnds = Date.now() + config.shutdownDeadlineMs + STOP_FLUSH_MS;
    for (const step of steps.splice(0).reverse()) {
      const began = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), Math.max(STEP_FLOOR_MS, budgetEnds - began));
      });
      try {
        const outcome = await Promise.race([Promise.resolve(step.close()).then(() => 'done' as const), late]);
        if (outcome === 'late') log.warn({ step: step.name, waitedMs: Date.now() - began }, 'stopping: a step did not finish within the stop budget; going on');
      } catch (error) {
        log.error({ err: error, step: step.name }, 'stopping: a step failed');
      } finally {
        clearTimeout(timer);
      }
    }
  };
  try {
    const demo = config.mode === 'demo';
    const store = await createStore({ ...storeOptionsFromConfig(config, log), ...overrides.store });
    steps.push({ name: 'store', close: () => store.close() });

    let sim: Simulator | undefined;
    if (demo) {
      if (!overrides.simEndpoint) sim = await startSimulator({ seed: 1, ...demoSimOptions(config.demoTenants, config.sesFrom ?? DEMO_SENDER), log: log.child({ component: 'sim' }) });
      if (sim) steps.push({ name: 'simulator', close: () => sim?.close() });
      const logins = await seedDemo(store, config.demoTenants, log);
      // Demo only, on purpose: the newcomer needs a login. (`password` would be redacted.)
      for (const login of logins) log.info({ email: login.email, demoPassword: DEMO_PASSWORD, tenant: login.tenant }, 'demo login');
    }

    const simEndpoint = sim?.endpoint ?? (demo ? overrides.simEndpoint : undefined);
    const ledger = createPersistentLedger({ usage: store.usage, log });
    const aws: AwsAdapters = createAwsGateway({
      region: config.awsRegion,
      ...(simEndpoint ? { endpoint: simEndpoint, platformCredentials: DEMO_PLATFORM_CREDENTIALS } : {}),
      openSecret: (sealed, owner) => store.keyring.open(sealed, accountSecretContext(owner.tenantId, owner.accountId)),
      logger: log.child({ component: 'aws' }),
      ledger,
      maxSockets: config.awsMaxInflight,
    });
    steps.push({ name: 'aws clients', close: () => aws.close() });

    const mail: MailSender = createMailSender({
      region: config.awsRegion,
      from: config.sesFrom ?? DEMO_SENDER,
      logger: log.child({ component: 'mail-sender' }),
      ...(simEndpoint ? { endpoint: simEndpoint, credentials: DEMO_PLATFORM_CREDENTIALS } : {}),
    });
    steps.push({ name: 'mail sender', close: () => mail.close() });

    // The public URL is in every email, so it is settled before the mailer.
    const port = config.port === 0 && demo ? await freePort(config.host) : config.port;
    const publicUrl = config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    const refresher = createRecommendationRefresher({
      refresh: persistRecommendations(store),
      log: log.child({ component: 'recommendations' }),
      ...(overrides.recommendationsCoalesceMs !== undefined ? { coalesceMs: overrides.recommendationsCoalesceMs } : {}),
    });
    // One guarded client for alerts and "send test": SSRF rules from the config.
    const channelTarget = { allowPrivate: config.channelAllowPrivateTargets };
    const channelPost = createGuardedPost({ ...overrides.channelPost, ...channelTarget });
    const mailer = createMailer({
      store: overrides.crash ? { ...store, outbox: crashingOutbox(store.outbox, overrides.crash) } : store,
      sender: crashingSender(mail, overrides.crash),
      mail: { publicUrl },
      log,
      channels: (owner) =>
        createChannelDelivery({ channels: store.channels, keyring: store.keyring, post: channelPost, publicUrl, owner, log: log.child({ component: 'channels' }), ...overrides.channels }),
      scheduleOf: (user) => {
        const profile = user.profile;
        return { hour: profile.digestHour, timezone: profile.timezone };
      },
      beforeDigest: (tenantId) => refresher.refreshNow(tenantId),
      options: { ratePerSecond: config.sesSendRate, ...(store.sendRateGate ? { sendRateGate: store.sendRateGate(config.sesSendRate) } : {}), ...overrides.mailer },
    });
    mailer.start();
    // Stopped after the runtime (no more results), before the sender and the store close.
    steps.push({ name: 'mailer', close: () => mailer.stop() });
    steps.push({ name: 'recommendations', close: () => refresher.stop() });
    // Alerts are recorded as part of each write (the watermark moves only after); recommendations follow.
    const listened = notifyingSink(store.results, [(result) => refresher.onResult(result)], {
      log,
      recorders: [mailer.dispatcher],
      ...(overrides.crash ? { crash: overrides.crash } : {}),
      onStatus: [(status, previous) => mailer.dispatcher.onRunStatus(status, previous)],
    });

    // Several instances: each runs only the tenants it holds a lease on (lease-coordinator.ts).
    let runtimeForLeases: Runtime | undefined;
    const coordinator: LeaseCoordinator | undefined = config.leases
      ? createLeaseCoordinator({
          leases: store.leases,
          tenantIds: async (signal) => {
            const ids: string[] = [];
            for await (const tenant of store.tenants.listTenants(signal)) ids.push(tenant.id);
            return ids;
          },
          clock: systemClock,
          log: log.child({ component: 'leases' }),
          ...(config.instanceId ? { instanceId: config.instanceId } : {}),
          settings: { instanceTtlMs: config.leaseTtlMs, heartbeatMs: Math.max(1_000, Math.round(config.leaseTtlMs / 3)), rebalanceMs: config.leaseRebalanceMs },
          onChange: ({ gained, lost }) => {
            for (const tenantId of [...gained, ...lost]) {
              runtimeForLeases?.refreshTenant(tenantId).catch((error: unknown) => log.warn({ err: error, tenant: tenantId }, 'applying a lease change failed; the next reconcile will'));
            }
          },
        })
      : undefined;
    if (coordinator) {
      await coordinator.start();
      // Released after the runtime stopped collecting (steps close in reverse), before the store closes.
      steps.push({ name: 'leases', close: () => coordinator.stop() });
      log.info({ instance: coordinator.instanceId, held: coordinator.snapshot().held }, 'leases taken');
    }

    const runtime = createRuntime({
      source: coordinator ? leasedTenantSource(store.tenants, coordinator) : store.tenants,
      gateway: aws,
      sink: overrides.sink ? overrides.sink(listened) : listened,
      log: log.child({ component: 'runtime' }),
      shards: config.shards,
      reconcileIntervalMs: config.reconcileIntervalMs,
      intervalsMs: config.intervalsMs,
      startupSpreadMs: config.startupSpreadMs,
      maxInflight: config.awsMaxInflight,
      maxRunsInflight: config.runsMaxInflight,
    });
    runtimeForLeases = runtime;
    await runtime.start();
    steps.push({ name: 'runtime', close: async () => void (await runtime.stop(config.shutdownDeadlineMs)) });

    let shuttingDown = false;
    const app = createApp({
      mode: config.mode,
      publicUrl,
      operatorToken: config.operatorToken,
      store,
      validateAccount: aws.validateAccount,
      checkPermissions: aws.checkPermissions,
      platformAccountId: demo ? DEMO_PLATFORM_ACCOUNT : await aws.platformAccountId(AbortSignal.timeout(15_000)),
      // At the account's rate, ahead of alerts; not through the outbox (the body holds a token).
      sendMail: (message) => mailer.send(message),
      health: {
        registry: runtime.registry,
        restartTenant: (id) => runtime.restartTenant(id),
        billableTotals: () => ledger.totals(),
        ...(coordinator ? { leases: () => coordinator.snapshot() } : {}),
        shuttingDown: () => shuttingDown,
      },
      onTenantChanged: (tenantId) => {
        runtime.refreshTenant(tenantId).catch((error: unknown) => log.warn({ err: error, tenant: tenantId }, 'applying a tenant change failed; the next reconcile will'));
      },
      billing: { usage: (tenantId, month) => usageOf(store, tenantId, month) },
      metricDiscovery: createMetricDiscovery(store.tenants, aws.cloudwatch),
      metricsIntervalMs: config.intervalsMs.metrics,
      channels: createChannelService({
        channels: store.channels,
        tenantName: async (tenantId) => (await store.tenants.get(tenantId))?.name,
        keyring: store.keyring,
        post: channelPost,
        publicUrl,
        target: { ...channelTarget, ...(overrides.channelPost?.resolve ? { resolve: overrides.channelPost.resolve } : {}) },
        ...(overrides.channels?.failingAfter ? { failingAfter: overrides.channels.failingAfter } : {}),
      }),
      ...(sim ? { outbox: () => sim!.outbox() } : {}),
      trustProxy: config.trustProxy,
      allowedHosts: config.allowedHosts,
      log,
      web: serveWeb({ root: join(packageRoot(), 'web', 'dist') }),
    });
    const http: HttpServer = await startHttpServer(app, { host: config.host, port });
    // The server keeps answering while collection winds down, so /ops/health says 503 `down`
    // (not "connection refused") and a load balancer or systemd sees the stop; it closes after
    // the mailer, before the store its handlers read.
    steps.splice(steps.findIndex((step) => step.name === 'mailer'), 0, { name: 'http', close: () => http.close() });
    steps.push({
      name: 'health: down',
      close: () => {
        shuttingDown = true;
      },
    });
    log.info({ url: http.url, mode: config.mode, publicUrl }, 'listening');

    let stopped: Promise<void> | undefined;
    return { url: http.url, store, runtime, mailer, sim, leases: coordinator, stop: () => (stopped ??= closeAll()) };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Billable units of a tenant in a month, summed over its accounts, from the persisted ledger. */
async function usageOf(store: Store, tenantId: string, month: string): Promise<{ costExplorerRequests: number; getMetricDataMetrics: number }> {
  const records = await store.usage.month(tenantId, month);
  const sum = (kind: string) => records.reduce((total, record) => total + (record.counts[kind] ?? 0), 0);
  return { costExplorerRequests: sum('costExplorerRequests'), getMetricDataMetrics: sum('getMetricDataMetrics') };
}
