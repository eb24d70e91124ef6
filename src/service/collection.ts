/**
 * The collection side of the service: AWS adapters -> mailer -> recommendations -> (leases) ->
 * supervision runtime, writing into a store opened by the caller. start-service.ts runs it on the
 * API's thread (COLLECTION_THREAD=off, or overrides that cannot cross threads) or in a worker
 * thread through collection-thread.ts; both build it here, so the two cannot drift apart.
 */
import { createRuntime, type HealthRegistry, type ReconcileResult, type Runtime } from '../actors/index.js';
import { createAwsGateway, createMailSender, type AwsAdapters, type BillableCounts } from '../aws/index.js';
import { createChannelDelivery, createGuardedPost, type ChannelDeliveryOptions, type GuardedPostOptions } from '../channels/index.js';
import type { Config } from '../config.js';
import { systemClock } from '../domain/clock.js';
import type { ResultSink } from '../domain/sink.js';
import type { Logger } from '../log.js';
import { createMailer, type Mailer, type MailerOptions } from '../mail/index.js';
import type { Store, StoreOptions } from '../store/index.js';
import { accountSecretContext } from '../store/index.js';
import type { CloseStep } from './close-steps.js';
import { DEMO_SENDER } from './demo-seed.js';
import { crashingOutbox, crashingSender, type CrashPoint } from './crash-points.js';
import { createLeaseCoordinator, leasedTenantSource, type LeaseCoordinator } from './lease-coordinator.js';
import { notifyingSink } from './notifying-sink.js';
import { createPersistentLedger } from './persistent-ledger.js';
import { persistRecommendations } from './persist-recommendations.js';
import { createRecommendationRefresher } from './recommendation-refresher.js';

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

/** The simulator accepts any credentials; the platform's own, in demo mode. */
export const DEMO_PLATFORM_CREDENTIALS = { accessKeyId: 'AKIA000000000000DEMO', secretAccessKey: 'demo-platform-secret' };

/** The AWS adapters of one thread (the simulator's endpoint in demo mode). */
export function createAwsAdapters(config: Config, store: Store, log: Logger, simEndpoint: string | undefined): { aws: AwsAdapters; ledger: ReturnType<typeof createPersistentLedger> } {
  const ledger = createPersistentLedger({ usage: store.usage, log });
  const aws = createAwsGateway({
    region: config.awsRegion,
    ...(simEndpoint ? { endpoint: simEndpoint, platformCredentials: DEMO_PLATFORM_CREDENTIALS } : {}),
    openSecret: (sealed, owner) => store.keyring.open(sealed, accountSecretContext(owner.tenantId, owner.accountId)),
    logger: log.child({ component: 'aws' }),
    ledger,
    maxSockets: config.awsMaxInflight,
  });
  return { aws, ledger };
}

/** What the collection side hands back. */
export interface Collection {
  aws: AwsAdapters;
  runtime: Runtime;
  mailer: Mailer;
  billableTotals: () => BillableCounts;
  coordinator: LeaseCoordinator | undefined;
  /** The runtime's first reconcile. */
  started: ReconcileResult;
}

export interface CollectionInput {
  config: Config;
  log: Logger;
  store: Store;
  /** Demo mode: the simulator's endpoint. */
  simEndpoint: string | undefined;
  /** In every email. */
  publicUrl: string;
  overrides: ServiceOverrides;
  /** Close steps are pushed here, in order of start. */
  steps: CloseStep[];
  /** The registry the runtime writes (the collection thread's records its transitions). */
  registry?: HealthRegistry;
}

/** Start the collection side; its close steps go onto `input.steps`. */
export async function startCollection(input: CollectionInput): Promise<Collection> {
  const { config, log, store, simEndpoint, publicUrl, overrides, steps } = input;
  const { aws, ledger } = createAwsAdapters(config, store, log, simEndpoint);
  steps.push({ name: 'aws clients', close: () => aws.close() });

  const mail = createMailSender({
    region: config.awsRegion,
    from: config.sesFrom ?? DEMO_SENDER,
    logger: log.child({ component: 'mail-sender' }),
    ...(simEndpoint ? { endpoint: simEndpoint, credentials: DEMO_PLATFORM_CREDENTIALS } : {}),
  });
  steps.push({ name: 'mail sender', close: () => mail.close() });

  const refresher = createRecommendationRefresher({
    refresh: persistRecommendations(store),
    log: log.child({ component: 'recommendations' }),
    ...(overrides.recommendationsCoalesceMs !== undefined ? { coalesceMs: overrides.recommendationsCoalesceMs } : {}),
  });
  // One guarded client for alerts; SSRF rules from the config.
  const channelPost = createGuardedPost({ ...overrides.channelPost, allowPrivate: config.channelAllowPrivateTargets });
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
    timerSlackMs: config.timerSlackMs,
    maxInflight: config.awsMaxInflight,
    maxRunsInflight: config.runsMaxInflight,
    ...(input.registry ? { registry: input.registry } : {}),
  });
  runtimeForLeases = runtime;
  const started = await runtime.start();
  steps.push({ name: 'runtime', close: async () => void (await runtime.stop(config.shutdownDeadlineMs)) });
  return { aws, runtime, mailer, billableTotals: () => ledger.totals(), coordinator, started };
}
