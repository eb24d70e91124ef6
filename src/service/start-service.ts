/**
 * The composition root: config -> logger -> store -> (demo: simulator + demo tenants) ->
 * collection (AWS adapters, mailer, leases, supervision runtime; collection.ts) -> HTTP.
 * Collection runs in a worker thread (collection-thread.ts) unless COLLECTION_THREAD=off or a
 * test's overrides cannot cross threads. `stop()` undoes it in reverse order within the shutdown
 * deadline: stop taking requests, let collection finish or abort it, send what mail it can,
 * flush, close.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Runtime } from '../actors/index.js';
import type { AwsAdapters, BillableCounts, MailMessage } from '../aws/index.js';
import { createChannelService, createGuardedPost } from '../channels/index.js';
import type { Config } from '../config.js';
import { createApp, serveWeb, startHttpServer, type HttpServer } from '../http/index.js';
import { createMetricDiscovery } from './metric-discovery.js';
import { logDestination, type Logger } from '../log.js';
import type { Mailer } from '../mail/index.js';
import { startSimulator, type Simulator } from '../sim/index.js';
import { createStore, storeOptionsFromConfig, type DataKind, type Store } from '../store/index.js';
import { demoSimOptions, seedDemo, DEMO_PASSWORD, DEMO_SENDER } from './demo-seed.js';
import { closeSteps, type CloseStep } from './close-steps.js';
import { createAwsAdapters, startCollection, type ServiceOverrides } from './collection.js';
import type { ThreadOverrides, ThreadSample } from './collection-protocol.js';
import { startCollectionThread } from './collection-thread-client.js';
import { packageRoot } from './package-root.js';
import type { LeaseSnapshot } from '../domain/leases.js';

export type { ServiceOverrides } from './collection.js';

/** A running service. */
export interface Service {
  readonly url: string;
  readonly store: Store;
  /** The supervision runtime; with the collection thread, its mirror (registry a batch behind, actions as messages). */
  readonly runtime: Runtime;
  /** Where collection runs. */
  readonly collection: 'thread' | 'inline';
  /** Store writes made for collection so far, and the collectors' store requests waiting (benchmarks). */
  collectionLoad(): { writes: number; pending: number };
  /** Benchmarks, with the collection thread: its heap and event-loop delay (undefined inline: the process's are collection's). */
  collectionSample(): Promise<ThreadSample | undefined>;
  /** On the API's thread only (COLLECTION_THREAD=off): the mailer. */
  readonly mailer: Mailer | undefined;
  /** Demo mode only. */
  readonly sim: Simulator | undefined;
  /** When leases are on (several instances): this instance's. */
  leases(): LeaseSnapshot | undefined;
  /** Settles if the collection thread ends on its own (an error it could not handle); the process should then stop. */
  readonly failed: Promise<Error>;
  /** Stop everything, in reverse order of start. Idempotent. */
  stop(): Promise<void>;
}

/** After collection's deadline, how long the rest of a stop may take: the mailer's 5 s to send what it can, then closing. */
export const STOP_FLUSH_MS = 8_000;

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

/** The overrides as data for the collection thread, or undefined when some cannot cross (functions: fault injection, fake clocks). */
function threadOverrides(overrides: ServiceOverrides): ThreadOverrides | undefined {
  if (overrides.sink || overrides.crash || overrides.channelPost) return undefined;
  const data: ThreadOverrides = {
    ...(overrides.mailer ? { mailer: overrides.mailer } : {}),
    ...(overrides.channels ? { channels: overrides.channels } : {}),
    ...(overrides.recommendationsCoalesceMs !== undefined ? { recommendationsCoalesceMs: overrides.recommendationsCoalesceMs } : {}),
    ...(overrides.store ? { store: overrides.store as Record<string, unknown> } : {}),
  };
  try {
    structuredClone(data);
    return data;
  } catch {
    return undefined;
  }
}

/** Start the whole service from a validated configuration. */
export async function startService(config: Config, log: Logger, overrides: ServiceOverrides = {}): Promise<Service> {
  const steps: CloseStep[] = [];
  // Every step gets what is left of the stop's budget (collection's deadline plus the flush): a
  // stop under any load keeps to SHUTDOWN_DEADLINE + STOP_FLUSH_MS (+ floors).
  const closeAll = () => closeSteps(steps, config.shutdownDeadlineMs + STOP_FLUSH_MS, log);
  try {
    const demo = config.mode === 'demo';
    // Without Redis each thread has its own cache: the API's writes drop the collection thread's entries too (set once it runs).
    let forwardInvalidation: ((tenantId: string, kinds?: readonly DataKind[]) => void) | undefined;
    const store = await createStore({
      ...storeOptionsFromConfig(config, log),
      ...(config.collectionThread ? { onInvalidate: (tenantId: string, kinds?: readonly DataKind[]) => forwardInvalidation?.(tenantId, kinds) } : {}),
      ...overrides.store,
    });
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

    // The public URL is in every email, so it is settled before the mailer.
    const port = config.port === 0 && demo ? await freePort(config.host) : config.port;
    const publicUrl = config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

    // Collection: in its own thread, or on this one.
    const crossing = config.collectionThread ? threadOverrides(overrides) : undefined;
    const collection: CollectionSide = crossing
      ? await threadSide(config, log, store, steps, { simEndpoint, publicUrl, overrides: crossing }, (forward) => (forwardInvalidation = forward))
      : await inlineSide(config, log, store, steps, { simEndpoint, publicUrl, overrides });
    const { aws, runtime } = collection;

    // The guarded client of Settings' "send test" (alerts use the collection side's): SSRF rules from the config.
    const channelTarget = { allowPrivate: config.channelAllowPrivateTargets };
    const channelPost = createGuardedPost({ ...overrides.channelPost, ...channelTarget });
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
      sendMail: collection.sendMail,
      health: {
        registry: runtime.registry,
        restartTenant: (id) => runtime.restartTenant(id),
        billableTotals: collection.billableTotals,
        ...(collection.loopDelayP99Ms ? { collectionLoopDelayP99Ms: collection.loopDelayP99Ms } : {}),
        ...(config.leases ? { leases: () => collection.leases() ?? { instanceId: '', instances: [], held: 0, share: 0 } } : {}),
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
    // collection (and its mailer), before the store its handlers read.
    steps.splice(steps.findIndex((step) => step.name === collection.closesBefore), 0, { name: 'http', close: () => http.close() });
    steps.push({
      name: 'health: down',
      close: () => {
        shuttingDown = true;
      },
    });
    log.info({ url: http.url, mode: config.mode, publicUrl }, 'listening');

    let stopped: Promise<void> | undefined;
    return {
      url: http.url,
      store,
      runtime,
      collection: collection.where,
      collectionLoad: collection.load,
      collectionSample: collection.sample,
      mailer: collection.mailer,
      sim,
      leases: collection.leases,
      failed: collection.failed,
      stop: () => (stopped ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** What the service needs of collection, wherever it runs. */
interface CollectionSide {
  where: 'thread' | 'inline';
  /** This thread's AWS adapters (with the thread, the API's own: validation, permission checks, metric discovery). */
  aws: AwsAdapters;
  runtime: Runtime;
  mailer: Mailer | undefined;
  sendMail(message: MailMessage): Promise<void>;
  billableTotals(): BillableCounts;
  leases(): LeaseSnapshot | undefined;
  load(): { writes: number; pending: number };
  sample(): Promise<ThreadSample | undefined>;
  loopDelayP99Ms: (() => number) | undefined;
  failed: Promise<Error>;
  /** The close step the HTTP server closes after (collection and its mailer). */
  closesBefore: string;
}

interface SideInput {
  simEndpoint: string | undefined;
  publicUrl: string;
}

/** Collection in its worker thread; `forwardTo` receives how to drop the thread's cached reads (memory cache only). */
async function threadSide(
  config: Config,
  log: Logger,
  store: Store,
  steps: CloseStep[],
  input: SideInput & { overrides: ThreadOverrides },
  forwardTo: (forward: (tenantId: string, kinds?: readonly DataKind[]) => void) => void,
): Promise<CollectionSide> {
  // The API's own adapters: account validation, permission checks and metric discovery (free calls).
  const { aws } = createAwsAdapters(config, store, log, input.simEndpoint);
  steps.push({ name: 'aws clients', close: () => aws.close() });
  const lines = logDestination(log);
  const forward = (lines as { fd?: unknown } | undefined)?.fd !== 1;
  const memoryCache = store.cache.kind === 'memory';
  const thread = await startCollectionThread(
    { config, connection: store.connection, ...input, forwardInvalidations: memoryCache, log: { level: log.level, forward } },
    {
      log,
      ...(forward && lines ? { logLines: lines } : {}),
      // The collection thread's writes drop this thread's cached reads (without Redis each has its own cache).
      onInvalidate: (tenantId, kinds) => {
        store.cache.invalidate(tenantId, kinds).catch((error: unknown) => log.warn({ err: error, tenant: tenantId }, 'dropping cached reads failed'));
      },
    },
  );
  if (memoryCache) forwardTo((tenantId, kinds) => thread.invalidate(tenantId, kinds));
  const { runtime } = thread;
  steps.push({ name: 'collection thread', close: async () => void (await runtime.stop(config.shutdownDeadlineMs + STOP_FLUSH_MS)) });
  log.info({ collection: 'thread' }, 'collection runs in a worker thread');
  return {
    where: 'thread',
    aws,
    runtime,
    mailer: undefined,
    sendMail: (message) => thread.sendMail(message),
    billableTotals: () => thread.status().billable,
    leases: () => thread.status().leases,
    load: () => {
      const status = thread.status();
      return { writes: status.storeWrites, pending: status.storeLoad.pending };
    },
    sample: () => thread.sample(),
    loopDelayP99Ms: () => thread.status().loopDelayP99Ms,
    failed: thread.failed,
    closesBefore: 'collection thread',
  };
}

/** Collection on the API's thread (COLLECTION_THREAD=off, or overrides that cannot cross). */
async function inlineSide(config: Config, log: Logger, store: Store, steps: CloseStep[], input: SideInput & { overrides: ServiceOverrides }): Promise<CollectionSide> {
  const collection = await startCollection({ config, log, store, steps, ...input });
  if (config.collectionThread) log.info({ collection: 'inline' }, 'collection runs on the API thread: the overrides given cannot cross threads');
  return {
    where: 'inline',
    aws: collection.aws,
    runtime: collection.runtime,
    mailer: collection.mailer,
    sendMail: (message) => collection.mailer.send(message),
    billableTotals: collection.billableTotals,
    leases: () => collection.coordinator?.snapshot(),
    load: () => ({ writes: store.capacity.sum().writeRequests, pending: store.collectorLoad().pending }),
    sample: async () => undefined,
    loopDelayP99Ms: undefined,
    // Never settles: there is no thread to end.
    failed: new Promise<Error>(() => {}),
    closesBefore: 'mailer',
  };
}

/** Billable units of a tenant in a month, summed over its accounts, from the persisted ledger. */
async function usageOf(store: Store, tenantId: string, month: string): Promise<{ costExplorerRequests: number; getMetricDataMetrics: number }> {
  const records = await store.usage.month(tenantId, month);
  const sum = (kind: string) => records.reduce((total, record) => total + (record.counts[kind] ?? 0), 0);
  return { costExplorerRequests: sum('costExplorerRequests'), getMetricDataMetrics: sum('getMetricDataMetrics') };
}
