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
import { createMemoryCache } from './cache/memory-cache.js';
import { createApiTokenRepository, type ApiTokenRepository } from './api-token-repository.js';
import { createAuditRepository, type AuditRepository } from './audit-repository.js';
import { createRedisCache } from './cache/redis-cache.js';
import { createMemoryRateLimitStore, createRedisRateLimitStore, type RateLimitStore } from './rate-limit-store.js';
import type { TenantCache } from './cache/tenant-cache.js';
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
import { createStateRepository } from './state-repository.js';
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
  encryption: { key?: string; keyFile?: string; defaultKeyFile: string };
  /** scrypt cost (tests lower it). */
  scrypt?: ScryptParams;
  batch?: BatchRetryOptions;
  /** Embedded mode: sweep expired items every this often (default 6 h; 0 disables). */
  sweepIntervalMs?: number;
  now?: () => number;
  /** Tests: wrap the document client's `send` (fault injection). */
  wrapSend?: (sender: DocSender) => DocSender;
}

/** Everything the next layers use. */
export interface Store {
  readonly location: DynamoLocation['kind'];
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
  /** Consumed capacity so far. */
  readonly capacity: CapacityMeter;
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
    const client = new DynamoDBClient({
      region: options.region,
      // The HTTP handler's warnings ("socket usage at capacity") as JSON lines, not text on stderr.
      // Not the client's own logger: it logs every failed command (an expected failed condition
      // too) with its whole input.
      requestHandler: { logger: sdkLogger(log) },
      ...(endpoint ? { endpoint } : {}),
      // dynalite accepts any credentials; a real endpoint uses the default provider chain.
      ...(embedded ? { credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' } } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
    cleanups.push({ name: 'dynamodb client', run: () => client.destroy() });
    const names = tableNames(options.tablePrefix ?? 'cloud-health-');
    const mode = options.tables ?? (options.dynamo.kind === 'aws' ? 'verify' : 'create');
    await ensureTables(client, names, { log, mode });

    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const sender: DocSender = options.wrapSend ? options.wrapSend(doc) : doc;
    const meter = new CapacityMeter(new Map(TABLE_KINDS.map((kind) => [names[kind], kind])));
    const db: Db = createDb({ doc: sender, tables: names, meter, ...(options.batch ? { batch: options.batch } : {}) });

    const cache: TenantCache = options.redisUrl
      ? createRedisCache({ url: options.redisUrl, prefix: options.cachePrefix ?? 'cloud-health:', log, ttlMs: options.cacheTtlMs, breakerOpenMs: options.cacheBreakerOpenMs })
      : createMemoryCache({ ttlMs: options.cacheTtlMs });
    cleanups.push({ name: 'cache', run: () => cache.close() });
    // Login throttling and other limits: shared by every instance through Redis when there is one.
    const rateLimits: RateLimitStore = options.redisUrl
      ? createRedisRateLimitStore({ url: options.redisUrl, prefix: `${options.cachePrefix ?? 'cloud-health:'}rl:`, log })
      : createMemoryRateLimitStore();
    cleanups.push({ name: 'rate limits', run: () => rateLimits.close() });

    const sweepIntervalMs = options.sweepIntervalMs ?? 6 * 3_600_000;
    if (embedded && sweepIntervalMs > 0) {
      const sweeper: TtlSweeper = startTtlSweeper({ db, log, intervalMs: sweepIntervalMs, now: options.now });
      cleanups.push({ name: 'ttl sweeper', run: () => sweeper.stop() });
    }

    const now = options.now;
    const memo = createWriteMemo();
    const onChange = (tenantId: string) => cache.invalidate(tenantId);
    const tenants = createTenantRepository({ db, keyring, onChange, now });
    const metrics = createMetricsRepository({ db, memo });
    const costs = createCostRepository({ db, memo, now });
    // Data errors of single findings: logged with ids and DynamoDB's reason, never the finding's text.
    const findings = createFindingRepository({
      db,
      now,
      onDataError: (event) => log.warn({ tenant: event.tenantId, account: event.accountId, finding: event.findingId, outcome: event.outcome, reason: event.reason }, 'a finding could not be stored whole'),
    });
    const state = createStateRepository({ db, memo });
    const recommendations = createRecommendationRepository({ db, onChange, now });
    let closing: Promise<void> | undefined;
    opened = true;
    log.info({ dynamo: options.dynamo.kind, cache: cache.kind }, 'store open');
    return {
      location: options.dynamo.kind,
      tenants,
      users: createUserRepository({ db, now, ...(options.scrypt ? { scrypt: options.scrypt } : {}) }),
      sessions: createSessionRepository({ db, now }),
      tokens: createTokenRepository({ db, now }),
      results: createResultSink({
        metrics,
        costs,
        findings,
        state,
        tenants,
        onChange,
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
      leases: createLeaseRepository({ db, now }),
      usage: createUsageLedger({ db, now }),
      reads: createTenantReads({ cache, tenants, metrics, costs, findings, recommendations, state, now }),
      keyring,
      cache,
      audit: createAuditRepository({ db, now }),
      apiTokens: createApiTokenRepository({ db, now }),
      rateLimits,
      capacity: meter,
      close: () => (closing ??= close()),
    };
  } catch (error) {
    await close();
    throw error;
  }
}
