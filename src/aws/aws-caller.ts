/**
 * Runs one adapter operation for an account: resolves its credentials (abortably, without
 * cancelling a refresh other callers share), picks the SDK client, and turns any failure into
 * an abort or a classified `AwsCallError`. An assumed-role session AWS no longer accepts is
 * dropped and the operation retried once with a fresh one before the account is blamed.
 *
 * A regional endpoint that refuses the identity (InvalidClientTokenId / UnrecognizedClientException)
 * is narrowed to `region` when the identity is proven good: for a role, STS has just issued the
 * session it refused; for keys, STS GetCallerIdentity (global, needs no permission) accepts them.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Logger } from '../log.js';
import type { AccountTarget } from '../domain/gateway.js';
import { raceAbort, throwIfAborted } from './abort.js';
import { awsErrorCode, classifyAwsError, isSessionError, REGION_CANDIDATE_CODES } from './classify-error.js';
import type { AccountClients, AccountService, ClientFactory } from './client-factory.js';
import type { AwsCredentials, CredentialCache } from './credential-cache.js';

/** One operation: which account, service, region and AWS operation (for errors and logs). */
export interface CallRequest<S extends AccountService> {
  target: AccountTarget;
  service: S;
  region: string;
  operation: string;
  signal: AbortSignal;
}

/** Calls AWS for accounts; see `createAwsCaller`. */
export interface AwsCaller {
  /**
   * Run `send` — one AWS request (the SDK's own retries aside) — with the account's client.
   * Paginating adapters call this once per page, so a session refresh repeats one page only.
   */
  call<S extends AccountService, T>(request: CallRequest<S>, send: (client: AccountClients[S], signal: AbortSignal) => Promise<T>): Promise<T>;
}

export interface AwsCallerDeps {
  credentials: CredentialCache;
  clients: ClientFactory;
  logger: Logger;
  /** Clock (ms), for how long a keys identity check is trusted. Default `Date.now`. */
  now?: () => number;
}

/** How long a successful STS check of static keys is trusted before a regional refusal asks again. */
const IDENTITY_CHECK_TTL_MS = 10 * 60_000;

/** Create the caller the service adapters share. */
export function createAwsCaller(deps: AwsCallerDeps): AwsCaller {
  const now = deps.now ?? Date.now;
  // Keys accounts whose identity STS accepted recently: `${id}:${revision}` -> when.
  const keysVerified = new Map<string, number>();

  /** True when STS accepts the account's static keys (so a regional refusal is the region's). */
  async function keysAccepted(target: AccountTarget, signal: AbortSignal): Promise<boolean> {
    const key = `${target.id}:${target.credentials.type === 'keys' ? target.credentials.accessKeyId : ''}`;
    const at = keysVerified.get(key);
    if (at !== undefined && now() - at < IDENTITY_CHECK_TTL_MS) return true;
    try {
      const credentials = await deps.credentials.get(target);
      await deps.clients.stsWith(credentials).send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    } catch (error) {
      if (signal.aborted) throw error;
      return false;
    }
    if (keysVerified.size > 10_000) keysVerified.clear();
    keysVerified.set(key, now());
    return true;
  }

  return {
    async call(request, send) {
      const { target, signal } = request;
      const site = { service: request.service, operation: request.operation, region: request.region };
      throwIfAborted(signal);
      for (let attempt = 1; ; attempt++) {
        let session: AwsCredentials | undefined;
        try {
          // Resolve an assumed role first, so a slow STS is abortable and its failure is
          // reported as the STS failure it is. Static keys are opened when the request is signed.
          if (target.credentials.type === 'role') session = await raceAbort(deps.credentials.get(target), signal);
          const client = deps.clients.forAccount(target, request.service, request.region);
          return await send(client, signal);
        } catch (error) {
          if (!signal.aborted && attempt === 1 && session !== undefined && isSessionError(error)) {
            deps.logger.info({ tenant: target.tenantId, account: target.id, operation: request.operation }, 'session refused; refreshing once');
            deps.credentials.invalidate(target, session);
            continue;
          }
          if (!signal.aborted && request.service !== 'ce' && REGION_CANDIDATE_CODES.has(awsErrorCode(error) ?? '')) {
            // Cost Explorer has one endpoint (us-east-1), so its refusal cannot be a region's.
            const identityGood = session !== undefined || (target.credentials.type === 'keys' && (await keysAccepted(target, signal)));
            if (identityGood) throw classifyAwsError(error, site, signal, 'region');
          }
          throw classifyAwsError(error, site, signal);
        }
      }
    },
  };
}
