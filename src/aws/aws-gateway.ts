/**
 * Everything `src/aws` offers the collectors, wired: credentials per account, cached SDK
 * clients, the three service adapters, connection validation and the billing ledger.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { classifyAwsError } from './classify-error.js';
import type { Logger } from '../log.js';
import type { AwsGateway } from '../domain/gateway.js';
import { createStsAssumeRole } from './assume-role.js';
import { createAwsCaller } from './aws-caller.js';
import { createMemoryBillingLedger, type BillingLedger } from './billing-ledger.js';
import { createClientFactory, type CredentialsInput } from './client-factory.js';
import { createCloudWatchGateway } from './cloudwatch-gateway.js';
import { createCostExplorerGateway } from './cost-explorer-gateway.js';
import { createCredentialCache, type AssumeRole, type OpenSecret } from './credential-cache.js';
import { createGuardDutyGateway } from './guardduty-gateway.js';
import { createHealthGateway } from './health-gateway.js';
import { createSecurityHubGateway } from './securityhub-gateway.js';
import type { CatalogEntry } from './metric-catalog.js';
import { createAccountValidator, type ValidateAccount } from './validate-account.js';
import { createPermissionCheck, type CheckPermissions } from './permission-check.js';
import { raceAbort } from './abort.js';

export interface AwsGatewayDeps {
  /** The platform's region (config AWS_REGION): STS calls go there. */
  region: string;
  /** Send every call here instead of AWS (the simulator). With it, pass `platformCredentials` too. */
  endpoint?: string;
  /** Decrypts a stored secret key (the store layer owns the encryption). */
  openSecret: OpenSecret;
  logger: Logger;
  /** Where billable calls are counted. Default: a new in-memory ledger. */
  ledger?: BillingLedger;
  /** The platform's own credentials for AssumeRole. Default: the SDK's default chain (instance role). */
  platformCredentials?: CredentialsInput;
  /** Attempts per request with the SDK's standard retry strategy. Default 3. */
  maxAttempts?: number;
  /** Per-attempt timeout without a response. Default 20 s. */
  requestTimeoutMs?: number;
  /** Connect timeout. Default 5 s. */
  connectionTimeoutMs?: number;
  /** Sockets per host across all clients (config AWS_MAX_INFLIGHT). Default 64. */
  maxSockets?: number;
  /** SDK clients kept. Default 1,000. */
  maxClients?: number;
  /** Accounts whose assumed-role sessions are kept. Default 20,000. */
  maxSessions?: number;
  /** Refresh a session this long before it expires. Default 5 min. */
  sessionRefreshMarginMs?: number;
  /** CloudWatch metrics to discover. Default `DEFAULT_METRIC_CATALOG`. */
  metricCatalog?: readonly CatalogEntry[];
  /** Clock (ms). Default `Date.now`. */
  now?: () => number;
}

/** The gateway plus what the other layers need around it. */
export interface AwsAdapters extends AwsGateway {
  /** Validate a connection live through STS before it is stored. */
  validateAccount: ValidateAccount;
  /** Check a connected account's permissions, one cheap call per action and region. */
  checkPermissions: CheckPermissions;
  /** Billable calls per tenant, with the month's estimated fee. */
  ledger: BillingLedger;
  /** The platform's own AWS account (STS GetCallerIdentity with its own credentials), for onboarding's trust policy. */
  platformAccountId(signal: AbortSignal): Promise<string>;
  /** Close the shared sockets and drop cached sessions. Idempotent. */
  close(): void;
}

/** Wire the AWS adapters. */
export function createAwsGateway(deps: AwsGatewayDeps): AwsAdapters {
  const logger = deps.logger.child({ component: 'aws' });
  const ledger = deps.ledger ?? createMemoryBillingLedger(deps.now ? { now: deps.now } : {});
  // The platform's STS client comes from the factory, which itself needs the credential cache:
  // resolve it on first use to break the knot.
  let stsAssumeRole: AssumeRole | undefined;
  const assumeRole: AssumeRole = (request) => (stsAssumeRole ??= createStsAssumeRole(clients.platformSts()))(request);
  const credentials = createCredentialCache({
    assumeRole,
    openSecret: deps.openSecret,
    logger,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.sessionRefreshMarginMs !== undefined ? { refreshMarginMs: deps.sessionRefreshMarginMs } : {}),
    ...(deps.maxSessions !== undefined ? { maxEntries: deps.maxSessions } : {}),
  });
  const clients = createClientFactory({
    region: deps.region,
    ...(deps.endpoint ? { endpoint: deps.endpoint } : {}),
    ...(deps.platformCredentials ? { platformCredentials: deps.platformCredentials } : {}),
    ...(deps.maxAttempts !== undefined ? { maxAttempts: deps.maxAttempts } : {}),
    ...(deps.requestTimeoutMs !== undefined ? { requestTimeoutMs: deps.requestTimeoutMs } : {}),
    ...(deps.connectionTimeoutMs !== undefined ? { connectionTimeoutMs: deps.connectionTimeoutMs } : {}),
    ...(deps.maxSockets !== undefined ? { maxSockets: deps.maxSockets } : {}),
    ...(deps.maxClients !== undefined ? { maxClients: deps.maxClients } : {}),
    logger,
    credentialsFor: (target) => () => credentials.get(target),
  });
  const caller = createAwsCaller({ credentials, clients, logger, ...(deps.now ? { now: deps.now } : {}) });
  const now = deps.now ?? Date.now;
  let closed = false;

  const gateway: AwsGateway = {
    cloudwatch: createCloudWatchGateway({ caller, ledger, now, ...(deps.metricCatalog ? { catalog: deps.metricCatalog } : {}) }),
    costExplorer: createCostExplorerGateway({ caller, ledger, now }),
    guardDuty: createGuardDutyGateway({ caller }),
    health: createHealthGateway({ caller }),
    securityHub: createSecurityHubGateway({ caller }),
  };

  return {
    ...gateway,
    validateAccount: createAccountValidator({ clients, assumeRole, openSecret: deps.openSecret }),
    checkPermissions: createPermissionCheck({
      aws: gateway,
      now,
      async verifyIdentity(target, signal) {
        const session = await raceAbort(credentials.get(target), signal);
        try {
          await clients.stsWith(session).send(new GetCallerIdentityCommand({}), { abortSignal: signal });
        } catch (error) {
          throw classifyAwsError(error, { service: 'sts', operation: 'GetCallerIdentity' }, signal);
        }
      },
    }),
    ledger,
    async platformAccountId(signal) {
      try {
        const identity = await clients.platformSts().send(new GetCallerIdentityCommand({}), { abortSignal: signal });
        return identity.Account ?? '';
      } catch (error) {
        throw classifyAwsError(error, { service: 'sts', operation: 'GetCallerIdentity' }, signal);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      credentials.clear();
      clients.close();
    },
  };
}
