/**
 * Validate a new or changed AWS connection live, before it is stored: assume the role (or use
 * the keys) and ask STS GetCallerIdentity, which needs no permission and returns the real
 * 12-digit account id. Nothing is cached: a connection that fails validation leaves no trace.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AppError, AwsCallError } from '../domain/errors.js';
import type { AccountCredentials } from '../domain/tenant.js';
import { raceAbort, throwIfAborted } from './abort.js';
import { classifyAwsError } from './classify-error.js';
import type { ClientFactory } from './client-factory.js';
import { sessionName, type AssumeRole, type AwsCredentials, type OpenSecret } from './credential-cache.js';

/** Error codes of a connection that cannot be accepted (AppError.code; shown to the tenant). */
export const ACCOUNT_MISMATCH = 'AWS_ACCOUNT_MISMATCH';
export const INVALID_ROLE_ARN = 'AWS_INVALID_ROLE_ARN';

/** Credentials as the tenant submits them: stored ones, or keys not sealed yet. */
export type ConnectionCredentials = AccountCredentials | { type: 'keys'; accessKeyId: string; secretAccessKey: string };

/** Who the credentials are. */
export interface AccountIdentity {
  /** The real 12-digit AWS account id. */
  awsAccountId: string;
  /** The caller's ARN (for a role: the assumed-role session). */
  arn: string;
}

export interface ValidateAccountRequest {
  tenantId: string;
  credentials: ConnectionCredentials;
  /** The account id the tenant says it is; a different real one is refused. */
  claimedAwsAccountId?: string;
  /** Our id of an already stored account, needed to open its sealed secret. */
  accountId?: string;
}

/** Validate a connection; throws AppError (bad input, mismatch), AwsCallError (AWS refused) or an abort. */
export type ValidateAccount = (request: ValidateAccountRequest, signal: AbortSignal) => Promise<AccountIdentity>;

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

export interface AccountValidatorDeps {
  clients: ClientFactory;
  assumeRole: AssumeRole;
  openSecret: OpenSecret;
}

/** Create `validateAccount`. */
export function createAccountValidator(deps: AccountValidatorDeps): ValidateAccount {
  async function credentialsOf(request: ValidateAccountRequest, signal: AbortSignal): Promise<AwsCredentials> {
    const spec = request.credentials;
    if (spec.type === 'role') {
      const roleAccount = ROLE_ARN.exec(spec.roleArn)?.[1];
      if (!roleAccount) throw new AppError(INVALID_ROLE_ARN, 'the role ARN must look like arn:aws:iam::123456789012:role/name', { status: 400 });
      if (request.claimedAwsAccountId && request.claimedAwsAccountId !== roleAccount) {
        throw new AppError(ACCOUNT_MISMATCH, 'the role belongs to a different AWS account than the one given', { status: 422 });
      }
      // 900 s, STS's minimum: the session only lives for this one check.
      return raceAbort(deps.assumeRole({ roleArn: spec.roleArn, externalId: spec.externalId, sessionName: sessionName(request.tenantId), durationSec: 900 }), signal);
    }
    if ('secretAccessKey' in spec) return { accessKeyId: spec.accessKeyId, secretAccessKey: spec.secretAccessKey };
    try {
      if (!request.accountId) throw new AppError('ACCOUNT_ID_REQUIRED', 'validating stored keys needs the account id', { status: 500, expose: false });
      return { accessKeyId: spec.accessKeyId, secretAccessKey: deps.openSecret(spec.secret, { tenantId: request.tenantId, accountId: request.accountId }) };
    } catch (error) {
      throw new AwsCallError('other', 'sts', 'SecretUnavailable', 'stored AWS secret could not be opened', error);
    }
  }

  return async (request, signal) => {
    throwIfAborted(signal);
    const credentials = await credentialsOf(request, signal);
    let identity;
    try {
      identity = await deps.clients.stsWith(credentials).send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    } catch (error) {
      throw classifyAwsError(error, { service: 'sts', operation: 'GetCallerIdentity' }, signal);
    }
    const awsAccountId = identity.Account ?? '';
    if (!/^\d{12}$/.test(awsAccountId)) {
      throw new AppError('AWS_IDENTITY_UNREADABLE', 'STS did not return a 12-digit account id', { status: 502 });
    }
    if (request.claimedAwsAccountId && request.claimedAwsAccountId !== awsAccountId) {
      throw new AppError(ACCOUNT_MISMATCH, 'the credentials belong to a different AWS account than the one given', { status: 422 });
    }
    return { awsAccountId, arn: identity.Arn ?? '' };
  };
}
