/**
 * Runs one adapter operation for an account: resolves its credentials (abortably, without
 * cancelling a refresh other callers share), picks the SDK client, and turns any failure into
 * an abort or a classified `AwsCallError`. An assumed-role session AWS no longer accepts is
 * dropped and the operation retried once with a fresh one before the account is blamed.
 */
import type { Logger } from '../log.js';
import type { AccountTarget } from '../domain/gateway.js';
import { raceAbort, throwIfAborted } from './abort.js';
import { classifyAwsError, isSessionError } from './classify-error.js';
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
}

/** Create the caller the service adapters share. */
export function createAwsCaller(deps: AwsCallerDeps): AwsCaller {
  return {
    async call(request, send) {
      const { target, signal } = request;
      const site = { service: request.service, operation: request.operation };
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
          throw classifyAwsError(error, site, signal);
        }
      }
    },
  };
}
