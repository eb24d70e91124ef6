/**
 * SDK clients per (account, region, service), cached in a bounded LRU. Every client shares one
 * pair of keep-alive agents, so an evicted client is simply dropped (never `destroy()`ed: that
 * would close the shared agents under calls still in flight) and the socket pool stays bounded
 * however many tenants there are. All clients use the SDK's standard retry strategy.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { HealthClient } from '@aws-sdk/client-health';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { STSClient } from '@aws-sdk/client-sts';
import { assertNever } from '../domain/assert-never.js';
import type { Logger } from '../log.js';
import type { AccountTarget } from '../domain/gateway.js';
import type { AwsCredentials } from './credential-cache.js';
import { credentialFingerprint } from './credential-fingerprint.js';
import { LruMap } from './lru-map.js';

/** The per-account services, by the names errors and breakers use. */
export interface AccountClients {
  cloudwatch: CloudWatchClient;
  ce: CostExplorerClient;
  guardduty: GuardDutyClient;
  health: HealthClient;
  securityhub: SecurityHubClient;
}
export type AccountService = keyof AccountClients;

/** Cost Explorer has one global endpoint, in us-east-1, whatever region the platform runs in. */
export const COST_EXPLORER_REGION = 'us-east-1';

/** Services with one global endpoint, and its region (AWS Health: health.us-east-1.amazonaws.com). */
const GLOBAL_REGION: Partial<Record<AccountService, string>> = { ce: COST_EXPLORER_REGION, health: 'us-east-1' };

/** Credentials as the SDK accepts them: fixed, or a provider called when a request is signed. */
export type CredentialsInput = AwsCredentials | (() => Promise<AwsCredentials>);

export interface SdkClientOptions {
  /** The platform's region (STS, SES). */
  region: string;
  /** Send every request here instead of AWS: the simulator or another AWS-compatible endpoint. */
  endpoint?: string;
  /** Attempts per request, first included, with the SDK's standard retry strategy. Default 3. */
  maxAttempts?: number;
  /** Fail an attempt that has no response after this long. Default 20 s. */
  requestTimeoutMs?: number;
  /** Fail an attempt that cannot connect within this long. Default 5 s. */
  connectionTimeoutMs?: number;
  /** Sockets open at once per host, across every client. Default 64. */
  maxSockets?: number;
  /** Receives the HTTP layer's warnings (e.g. sockets exhausted). */
  logger?: Logger;
}

export interface ClientFactoryOptions extends SdkClientOptions {
  /** A provider of the account's current credentials, asked each time a request is signed. */
  credentialsFor: (target: AccountTarget) => () => Promise<AwsCredentials>;
  /** The platform's own credentials, for STS AssumeRole. Default: the SDK's default chain (instance role). */
  platformCredentials?: CredentialsInput;
  /** Clients kept at most (~20-40 KB each). Default 1,000; a miss costs ~0.2 ms. */
  maxClients?: number;
}

/** Builds and caches SDK clients. */
export interface ClientFactory {
  /** The client of `service` in `region` for the account (Cost Explorer ignores `region`). */
  forAccount<S extends AccountService>(target: AccountTarget, service: S, region: string): AccountClients[S];
  /** The STS client holding the platform's own credentials (for AssumeRole). */
  platformSts(): STSClient;
  /** A throwaway STS client with the given credentials (for validating a new connection). */
  stsWith(credentials: CredentialsInput): STSClient;
  /** Number of cached account clients. */
  readonly size: number;
  /** Close the shared sockets. Idempotent; no client may be used afterwards. */
  close(): void;
}

/** The SDK configuration every client shares: endpoint, standard retries, shared agents, timeouts. */
export function createSdkConfigBuilder(options: SdkClientOptions): {
  config: (region: string, credentials?: CredentialsInput) => Record<string, unknown>;
  close: () => void;
} {
  const maxSockets = options.maxSockets ?? 64;
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets });
  const log = options.logger;
  const sdkLogger = log && {
    debug: () => undefined,
    info: () => undefined,
    warn: (...content: unknown[]) => log.warn({ sdk: content.map(String).join(' ') }, 'aws sdk warning'),
    error: (...content: unknown[]) => log.error({ sdk: content.map(String).join(' ') }, 'aws sdk error'),
  };
  const requestHandler = {
    httpAgent,
    httpsAgent,
    requestTimeout: options.requestTimeoutMs ?? 20_000,
    connectionTimeout: options.connectionTimeoutMs ?? 5_000,
    // Without this the SDK only logs a warning when requestTimeout passes and keeps waiting.
    throwOnRequestTimeout: true,
    ...(sdkLogger ? { logger: sdkLogger } : {}),
  };
  let closed = false;
  return {
    config: (region, credentials) => ({
      region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      maxAttempts: options.maxAttempts ?? 3,
      retryMode: 'standard',
      requestHandler,
      ...(credentials ? { credentials: markMemoized(credentials) } : {}),
    }),
    close: () => {
      if (closed) return;
      closed = true;
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * Tell the SDK our provider does its own caching. Otherwise the SDK memoises the identity per
 * client until 5 minutes before its expiration, and a session we dropped as expired would go on
 * being used by every client that had it.
 */
function markMemoized(credentials: CredentialsInput): CredentialsInput {
  if (typeof credentials !== 'function') return credentials;
  return Object.assign(async () => credentials(), { memoized: true });
}

/** Create the client factory; `close()` it on shutdown. */
export function createClientFactory(options: ClientFactoryOptions): ClientFactory {
  const sdk = createSdkConfigBuilder(options);
  const clients = new LruMap<string, AccountClients[AccountService]>(options.maxClients ?? 1_000);
  let sts: STSClient | undefined;

  function build(service: AccountService, region: string, target: AccountTarget): AccountClients[AccountService] {
    const config = sdk.config(region, options.credentialsFor(target));
    switch (service) {
      case 'cloudwatch':
        return new CloudWatchClient(config);
      case 'ce':
        return new CostExplorerClient(config);
      case 'guardduty':
        return new GuardDutyClient(config);
      case 'health':
        return new HealthClient(config);
      case 'securityhub':
        return new SecurityHubClient(config);
      default:
        return assertNever(service, 'AWS service');
    }
  }

  return {
    forAccount<S extends AccountService>(target: AccountTarget, service: S, region: string): AccountClients[S] {
      const effectiveRegion = GLOBAL_REGION[service] ?? region;
      const key = `${service}\0${effectiveRegion}\0${target.id}\0${credentialFingerprint(target.credentials)}`;
      let client = clients.get(key);
      if (!client) {
        client = build(service, effectiveRegion, target);
        clients.set(key, client);
      }
      return client as AccountClients[S];
    },
    platformSts() {
      sts ??= new STSClient(sdk.config(options.region, options.platformCredentials));
      return sts;
    },
    stsWith(credentials) {
      return new STSClient(sdk.config(options.region, credentials));
    },
    get size() {
      return clients.size;
    },
    close() {
      clients.clear();
      sdk.close();
    },
  };
}
