/**
 * Open the whole store: DynamoDB (embedded dynalite, a DynamoDB-compatible endpoint, or AWS),
 * its tables, the cache (Redis or in-process) and the keyring; wire the repositories; and
 * close it all again, in reverse order, once.
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config.js';
import type { ResultSink } from '../domain/sink.js';
import { sdkLogger, type Logger } from '../log.js';
import { createAlertMarkers, type AlertMarkers } from './alert-markers.js';
import { createAlertOutbox, type AlertOutbox } from './alert-outbox.js';
import { createAlarmHistory, type AlarmHistory } from './alarm-history.js';
import { createMemoryCache } from './cache/memory-cache.js';
import { createApiTokenRepository, type ApiTokenRepository } from './api-token-repository.js';
import { createAuditRepository, type AuditRepository } from './audit-repository.js';
import { createRedisCache } from './cache/redis-cache.js';
import { createIdentityCache } from './cache/identity-cache.js';
import { createRedisBus, localBus, type InvalidationBus } from './cache/invalidation-bus.js';
import { boundedSender } from './bounded-sender.js';
import { createMemoryRateLimitStore, createRedisRateLimitStore, type RateLimitStore } from './rate-limit-store.js';
import type { TenantCache } from './cache/tenant-cache.js';
import type { DataKind } from './cache/data-kinds.js';
import { createRedisSendRateGate, type SendRateGate } from './send-rate-gate.js';
import { CapacityMeter } from './capacity-meter.js';
import { createChannelRepository, type ChannelRepository } from './channel-repository.js';
import { createCostRepository, type CostRepository } from './cost-repository.js';
import type { Keyring } from './crypto/keyring.js';
import { loadKeyring } from './crypto/load-keyring.js';
import type { ScryptParams } from './crypto/passwords.js';
import { createDb, type BatchRetryOptions, type Db, type DocSender } from './db.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from './embedded-dynamo.js';
import { ensureTables } from './ensure-tables.js';
import { createFindingRepository, type FindingRepository } from './finding-repository.js';
import { createLeaseRepository, type LeaseRepository } from './lease-repository.js';
import { createMetricsRepository, type MetricsRepository } from './metrics-repository.js';
import { createRecommendationRepository, type RecommendationRepository } from './recommendation-repository.js';
import { createResultSink } from './result-sink.js';
import { createSessionRepository, type SessionRepository } from './session-repository.js';
import { createStateRepository, type StateRepository } from './state-repository.js';
import { TABLE_KINDS, tableNames } from './tables.js';
import { createTenantReads, type TenantReads } from './tenant-reads.js';
import { createTenantRepository, type TenantRepository } from './tenant-repository.js';
import { createTokenRepository, type TokenRepository } from './token-repository.js';
import { startTtlSweeper, type TtlSweeper } from './ttl-sweeper.js';
import { createUsageLedger, type UsageLedger } from './usage-ledger.js';
import { createUserRepository, type UserRepository } from './user-repository.js';
import { createWriteMemo } from './write-memo.js';

/** Where DynamoDB is: embedded dynalite under a directory, an endpoint URL, or AWS itself. */
export type DynamoLocation = { kind: 'embedded'; path: string } | { kind: 'endpoint'; endpoint: string } | { kind: 'aws' };

export interface StoreOptions {
  log: Logger;
  mode: 'demo' | 'production';
  dynamo: DynamoLocation;
  region: string;
  /** Static credentials for an endpoint (e.g. DynamoDB Local); otherwise the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Table name prefix (default `cloud-health-`; tests use one per run). */
  tablePrefix?: string;
  /** Create missing tables (default for embedded and endpoint) or only verify them (default for AWS). */
  tables?: 'create' | 'verify';
  /** Redis URL; the in-process LRU when absent. */
  redisUrl?: string;
  /** Redis key prefix (default `cloud-health:`). */
  cachePrefix?: string;
  /** Cached read lifetime (default 30 s). */
  cacheTtlMs?: number;
  /** Breaker open time after a Redis failure (default 5 s). */
  cacheBreakerOpenMs?: number;
  /** Lifetime of a cached session or user on this instance (default 5 s; revocations reach other instances sooner through Redis pub/sub). */
  sessionCacheTtlMs?: number;
  /** Sockets of the API's DynamoDB client (default 50). */
  apiMaxSockets?: number;
  /** Sockets of the collectors' DynamoDB client, and their requests in flight; more wait (default 16). */
  collectorMaxSockets?: number;
  encryption: { key?: string; keyFile?: string; defaultKeyFile: string };
  /** scrypt cost (tests lower it). */
  scrypt?: ScryptParams;
  batch?: BatchRetryOptions;
  /** Embedded mode: sweep expired items every this often (default 6 h; 0 disables). */
  sweepIntervalMs?: number;
  now?: () => number;
  /** Tests: wrap the document client's `send` (fault injection). */
  wrapSend?: (sender: DocSender) => DocSender;
  /**
   * Told of every cached-read invalidation this store makes (after its own cache dropped the
   * entries): the other thread's store of this process drops them too (collection-thread.ts).
   */
  onInvalidate?: (tenantId: string, kinds?: readonly DataKind[]) => void;
}

/** How another thread of this process reaches the same tables: never the embedded server itself, its endpoint. */
export interface StoreConnection {
  dynamo: Exclude<DynamoLocation, { kind: 'embedded' }>;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Everything the next layers use. */
export interface Store {
  readonly location: DynamoLocation['kind'];
  /** The same tables, for another thread's store (the embedded server's endpoint in demo mode). */
  readonly connection: StoreConnection;
  readonly tenants: TenantRepository;
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly tokens: TokenRepository;
  /** The collectors' sink. */
  readonly results: ResultSink;
  readonly metrics: MetricsRepository;
  readonly costs: CostRepository;
  readonly findings: FindingRepository;
  readonly recommendations: RecommendationRepository;
  readonly alerts: AlertMarkers;
  /** Alert and digest emails not yet accepted by SES. */
  readonly outbox: AlertOutbox;
  /** Alert channels (Slack, webhooks) and their per-alert deliveries. */
  readonly channels: ChannelRepository;
  /** CloudWatch alarm transitions (the overview's alarm history) and the stored states they are decided against. */
  readonly alarmHistory: AlarmHistory;
  /** The accounts' AWS Health events as last stored (what the AWS Health alerts are decided against). */
  readonly healthEvents: Pick<StateRepository, 'getHealth'>;
  readonly leases: LeaseRepository;
  readonly usage: UsageLedger;
  /** The tenant API's reads, through the cache. */
  readonly reads: TenantReads;
  readonly keyring: Keyring;
  readonly cache: TenantCache;
  /** The per-tenant audit trail. */
  readonly audit: AuditRepository;
  /** API tokens for scripts. */
  readonly apiTokens: ApiTokenRepository;
  /** Rate-limit counts (login throttling): Redis when configured, else this process's memory. */
  readonly rateLimits: RateLimitStore;
  /** With Redis: the SES send rate shared by every instance (send-rate-gate.ts); without, undefined (each instance keeps its own). */
  readonly sendRateGate?: (ratePerSecond: number) => SendRateGate;
  /** Consumed capacity so far. */
  readonly capacity: CapacityMeter;
  /** The collectors' DynamoDB requests in flight and waiting (their backpressure). */
  collectorLoad(): { active: number; pending: number };
  /** Idempotent; releases dynalite, Redis and the SDK client. */
  close(): Promise<void>;
}

/** Store options from the validated configuration. */
export function storeOptionsFromConfig(config: Config, log: Logger): StoreOptions {
  const dynamo: DynamoLocation = config.dynamodbEndpoint
    ? { kind: 'endpoint', endpoint: config.dynamodbEndpoint }
    : config.mode === 'demo'
      ? { kind: 'embedded', path: join(config.dataDir, 'dynamodb') }
      : { kind: 'aws' };
  return {
    log,
    mode: config.mode,
    dynamo,
    region: config.awsRegion,
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    encryption: {
      ...(config.encryptionKey ? { key: config.encryptionKey } : {}),
      ...(config.encryptionKeyFile ? { keyFile: config.encryptionKeyFile } : {}),
      defaultKeyFile: join(config.dataDir, 'encryption.key'),
    },
  };
}

/** The alarm history whose recorded transitions drop the cached reads of `state` (the overview's history). */
function withInvalidation(history: AlarmHistory, onChange: (tenantId: string, kinds: readonly DataKind[]) => Promise<void>): AlarmHistory {
  return {
    ...history,
    async record(tenantId, transitions, signal) {
      await history.record(tenantId, transitions, signal);
      if (transitions.length > 0) await onChange(tenantId, ['state']);
    },
  };
}

/** Open the store; on failure everything opened so far is closed again. */
export async function createStore(options: StoreOptions): Promise<Store> {
  const log = options.log.child({ component: 'store' });
  const cleanups: { name: string; run: () => Promise<void> | void }[] = [];
  const close = async () => {
    // Reverse order of opening; a failing step is reported and the rest still run.
    for (const step of cleanups.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        log.error({ err: error, step: step.name }, 'closing the store: a step failed');
      }
    }
    if (opened) log.info('store closed');
  };
  let opened = false;
  try {
    const keyring = await loadKeyring({ mode: options.mode, key: options.encryption.key, keyFile: options.encryption.keyFile, defaultKeyFile: options.encryption.defaultKeyFile, log });

    let embedded: EmbeddedDynamo | undefined;
    if (options.dynamo.kind === 'embedded') {
      embedded = await startEmbeddedDynamo({ path: options.dynamo.path });
      cleanups.push({ name: 'embedded dynamodb', run: () => embedded?.close() });
    }
    const endpoint = embedded?.endpoint ?? (options.dynamo.kind === 'endpoint' ? options.dynamo.endpoint : undefined);
    // Two clients, each with its own sockets: the API's reads never queue behind collector writes.
    const openClient = (maxSockets: number) =>
      new DynamoDBClient({
        region: options.region,
        // The HTTP handler's warnings ("socket usage at capacity") as JSON lines, not text on stderr.
        // Not the client's own logger: it logs every failed command (an expected failed condition
        // too) with its whole input.
        requestHandler: { logger: sdkLogger(log), httpAgent: { keepAlive: true, maxSockets }, httpsAgent: { keepAlive: true, maxSockets } },
        ...(endpoint ? { endpoint } : {}),
        // dynalite accepts any credentials; a real endpoint uses the default provider chain.
        ...(embedded ? { credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' } } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
      });
    const client = openClient(options.apiMaxSockets ?? 50);
    const collectorSockets = options.collectorMaxSockets ?? 16;
    const collectorClient = openClient(collectorSockets);
    cleanups.push({ name: 'collector dynamodb client', run: () => collectorClient.destroy() });
    cleanups.push({ name: 'dynamodb client', run: () => client.destroy() });
    const names = tableNames(options.tablePrefix ?? 'cloud-health-');
    const mode = options.tables ?? (options.dynamo.kind === 'aws' ? 'verify' : 'create');
    await ensureTables(client, names, { log, mode });

    const marshallOptions = { marshallOptions: { removeUndefinedValues: true } };
    const wrap = (doc: DocSender): DocSender => (options.wrapSend ? options.wrapSend(doc) : doc);
    const sender = wrap(DynamoDBDocumentClient.from(client, marshallOptions));
    const collectorSender = boundedSender(wrap(DynamoDBDocumentClient.from(collectorClient, marshallOptions)), collectorSockets);
    const meter = new CapacityMeter(new Map(TABLE_KINDS.map((kind) => [names[kind], kind])));
    const db: Db = createDb({ doc: sender, tables: names, meter, ...(options.batch ? { batch: options.batch } : {}) });
    const collectorDb: Db = createDb({ doc: collectorSender, tables: names, meter, ...(options.batch ? { batch: options.batch } : {}) });

    const cache: TenantCache = options.redisUrl
      ? createRedisCache({ url: options.redisUrl, prefix: options.cachePrefix ?? 'cloud-health:', log, ttlMs: options.cacheTtlMs, breakerOpenMs: options.cacheBreakerOpenMs })
      : createMemoryCache({ ttlMs: options.cacheTtlMs });
    cleanups.push({ name: 'cache', run: () => cache.close() });
    // Login throttling and other limits: shared by every instance through Redis when there is one.
    const sharedLimits = options.redisUrl ? createRedisRateLimitStore({ url: options.redisUrl, prefix: `${options.cachePrefix ?? 'cloud-health:'}rl:`, log }) : undefined;
    const rateLimits: RateLimitStore = sharedLimits ?? createMemoryRateLimitStore();
    const sendRateGate = sharedLimits
      ? (ratePerSecond: number) => createRedisSendRateGate({ redis: sharedLimits.redis, prefix: `${options.cachePrefix ?? 'cloud-health:'}ses-rate`, ratePerSecond })
      : undefined;
    cleanups.push({ name: 'rate limits', run: () => rateLimits.close() });
    // Revocations and user changes reach the other instances' session caches.
    const bus: InvalidationBus = options.redisUrl ? createRedisBus({ url: options.redisUrl, channel: `${options.cachePrefix ?? 'cloud-health:'}identity`, log }) : localBus();
    cleanups.push({ name: 'invalidation bus', run: () => bus.close() });

    const sweepIntervalMs = options.sweepIntervalMs ?? 6 * 3_600_000;
    if (embedded && sweepIntervalMs > 0) {
      const sweeper: TtlSweeper = startTtlSweeper({ db, log, intervalMs: sweepIntervalMs, now: options.now });
      cleanups.push({ name: 'ttl sweeper', run: () => sweeper.stop() });
    }

    const now = options.now;
    const memo = createWriteMemo();
    // Tenant and recommendation writes name no kinds: a tenant's accounts or settings shape every read.
    const onInvalidate = options.onInvalidate;
    const onChange = onInvalidate
      ? async (tenantId: string, kinds?: readonly DataKind[]) => {
          await cache.invalidate(tenantId, kinds);
          onInvalidate(tenantId, kinds);
        }
      : (tenantId: string, kinds?: readonly DataKind[]) => cache.invalidate(tenantId, kinds);
    const tenants = createTenantRepository({ db, keyring, onChange, now });
    const metrics = createMetricsRepository({ db, memo, ...(now ? { now } : {}) });
    const costs = createCostRepository({ db, memo, now });
    // Data errors of single findings: logged with ids and DynamoDB's reason, never the finding's text.
    const onDataError = (event: Parameters<NonNullable<Parameters<typeof createFindingRepository>[0]['onDataError']>>[0]) =>
      log.warn({ tenant: event.tenantId, account: event.accountId, finding: event.findingId, outcome: event.outcome, reason: event.reason }, 'a finding could not be stored whole');
    // Data errors of single findings: logged with ids and DynamoDB's reason, never the finding's text.
    const findings = createFindingRepository({ db, memo, now, onDataError });
    const state = createStateRepository({ db, memo });
    // A user's status change also bumps `tenant`: what users write is never answered stale (USER_WRITTEN_KINDS).
    const recommendations = createRecommendationRepository({ db, onChange: (tenantId, byUser) => onChange(tenantId, byUser ? ['recommendations', 'tenant'] : ['recommendations']), now });
    const identity = createIdentityCache({
      sessions: createSessionRepository({ db, now }),
      users: createUserRepository({ db, now, keyring, ...(options.scrypt ? { scrypt: options.scrypt } : {}) }),
      bus,
      ...(options.sessionCacheTtlMs !== undefined ? { ttlMs: options.sessionCacheTtlMs } : {}),
      ...(now ? { now } : {}),
    });
    let closing: Promise<void> | undefined;
    opened = true;
    log.info({ dynamo: options.dynamo.kind, cache: cache.kind }, 'store open');
    const credentials = embedded ? { accessKeyId: 'embedded', secretAccessKey: 'embedded' } : options.credentials;
    return {
      location: options.dynamo.kind,
      connection: { dynamo: endpoint ? { kind: 'endpoint', endpoint } : { kind: 'aws' }, ...(credentials ? { credentials } : {}) },
      tenants,
      users: identity.users,
      sessions: identity.sessions,
      tokens: createTokenRepository({ db, now }),
      // The collectors write through their own client, bounded (see bounded-sender.ts).
      results: createResultSink({
        metrics: createMetricsRepository({ db: collectorDb, memo }),
        costs: createCostRepository({ db: collectorDb, memo, now }),
        findings: createFindingRepository({ db: collectorDb, now, onDataError }),
        state: createStateRepository({ db: collectorDb, memo }),
        tenants: createTenantRepository({ db: collectorDb, keyring, onChange, now }),
        onChange,
        ...(now ? { now } : {}),
        onRefused: (error, result) =>
          log.warn({ tenant: result.tenantId, account: result.accountId, kind: result.kind, table: error.table, refused: error.refused }, 'items refused by the store were left out of a result'),
      }),
      metrics,
      costs,
      findings,
      recommendations,
      alerts: createAlertMarkers({ db, now }),
      outbox: createAlertOutbox({ db, now }),
      channels: createChannelRepository({ db, now }),
      alarmHistory: withInvalidation(createAlarmHistory({ db, state, now }), onChange),
      healthEvents: { getHealth: (tenantId, accountId, signal) => state.getHealth(tenantId, accountId, signal) },
      leases: createLeaseRepository({ db, now }),
      usage: createUsageLedger({ db, now }),
      reads: createTenantReads({ cache, tenants, metrics, costs, findings, recommendations, state }),
      keyring,
      cache,
      audit: createAuditRepository({ db, now }),
      apiTokens: createApiTokenRepository({ db, now }),
      rateLimits,
      ...(sendRateGate ? { sendRateGate } : {}),
      capacity: meter,
      collectorLoad: () => collectorSender.load(),
      close: () => (closing ??= close()),
    };
  } catch (error) {
    await close();
    throw error;
  }
}
