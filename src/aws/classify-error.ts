/**
 * The one place AWS failures are classified into the kinds supervision acts on
 * (DESIGN.md "Supervision"). Decisions use the error's `name` (the AWS error code),
 * `$metadata.httpStatusCode`, `$fault`, `$retryable` and Node's `code` — never message text.
 */
import { AwsCallError, isAbortError, type AwsFailureKind } from '../domain/errors.js';
import { abortErrorFor } from './abort.js';
import { operationAction } from './operation-actions.js';

/**
 * Codes with which STS (or any endpoint) refuses who the caller is: the keys are unknown, revoked
 * or mis-signed, or the role cannot be assumed. From STS this is the account's identity; from a
 * regional endpoint of another service it may be the region instead (see `REGION_CANDIDATE_CODES`).
 */
const IDENTITY_CODES = new Set([
  'AuthFailure',
  'ExpiredToken',
  'ExpiredTokenException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'InvalidToken',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
]);

/**
 * A regional endpoint answers these for an identity it does not know. AWS documents that an
 * opt-in region the account has not enabled refuses its credentials this way ("Specify which AWS
 * Regions your account can use", AWS Account Management guide: "InvalidClientTokenId" /
 * "UnrecognizedClientException"), so from a regional non-STS endpoint these are the region's
 * failure unless STS refuses the identity too; the caller decides (see aws-caller.ts).
 */
export const REGION_CANDIDATE_CODES = new Set(['InvalidClientTokenId', 'UnrecognizedClientException']);

/** Codes with which a service denies one operation to an identity it accepted. */
const DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'NotAuthorized',
  'UnauthorizedException',
  'UnauthorizedOperation',
]);

/**
 * Codes meaning the feature is not enabled or not subscribed in the account: AWS Health's
 * SubscriptionRequiredException (no Business/Enterprise support), OptInRequired (EC2-style),
 * Security Hub's InvalidAccessException ("not subscribed").
 */
const FEATURE_CODES = new Set(['SubscriptionRequiredException', 'OptInRequired', 'InvalidAccessException']);

/** Cost Explorer's "insufficient amount of historical data" (GetCostForecast on a new account). */
const NO_DATA_CODES = new Set(['DataUnavailableException']);

/**
 * Codes meaning an assumed-role session (not the role itself) is no longer good: the cached
 * credentials are dropped and the call retried once before the account is blamed.
 */
const SESSION_CODES = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'InvalidToken',
  'UnrecognizedClientException',
]);

/** The stable code of an answer the SDK could not parse (a proxy's HTML page, a cut body). */
export const UNPARSEABLE_RESPONSE = 'UnparseableResponse';

/** Throttling codes; Cost Explorer throttles with LimitExceededException. */
const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
]);

const TRANSIENT_CODES = new Set([
  'CredentialsProviderError', // the platform's own credentials (instance role) were not available
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'InternalServerErrorException',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
]);

/** Node/undici network error codes: the request never got a real answer. */
const NETWORK_CODES = new Set([
  'EAI_AGAIN',
  'ECONNABORTED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'ETIMEDOUT',
  'ERR_HTTP2_STREAM_ERROR',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

/**
 * True when the SDK got an answer it could not deserialize: it throws the JSON/XML parser's
 * SyntaxError with the response's `$metadata` attached (seen with @aws-sdk v3 for an HTML body
 * on 200, 403 and 502 alike).
 */
function isUnparseable(error: unknown): boolean {
  return error instanceof SyntaxError || (shape(error).name === 'SyntaxError' && shape(error).$metadata !== undefined);
}

/** The AWS error code of an SDK error (its `name`), when it has one; `UnparseableResponse` for a body that was not JSON/XML. */
export function awsErrorCode(error: unknown): string | undefined {
  if (isUnparseable(error)) return UNPARSEABLE_RESPONSE;
  const name = shape(error).name;
  return typeof name === 'string' && name !== 'Error' ? name : undefined;
}

function isNetworkError(error: unknown, depth = 0): boolean {
  const { code, cause } = shape(error);
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return cause !== undefined && depth < 5 && isNetworkError(cause, depth + 1);
}

/**
 * The kind of an AWS failure (the error is not an abort; check that first). `service` is where
 * the call went: refusals of who the caller is are `identity` from STS and from any service, until
 * the caller proves the identity good and narrows a regional refusal to `region`.
 */
export function awsFailureKind(error: unknown, service?: string): AwsFailureKind {
  if (error instanceof AwsCallError) return error.kind;
  const e = shape(error);
  const code = awsErrorCode(error) ?? '';
  const status = e.$metadata?.httpStatusCode;
  if (code === UNPARSEABLE_RESPONSE) return 'transient';
  if (IDENTITY_CODES.has(code)) return 'identity';
  // STS's AccessDenied is about the role (its trust policy or ExternalId): the account's identity.
  if (DENIED_CODES.has(code)) return service === 'sts' ? 'identity' : 'permission';
  if (FEATURE_CODES.has(code)) return 'feature';
  if (NO_DATA_CODES.has(code)) return 'no_data';
  if (THROTTLING_CODES.has(code) || status === 429 || e.$retryable?.throttling === true) return 'throttled';
  if (TRANSIENT_CODES.has(code) || e.$fault === 'server' || (status !== undefined && status >= 500)) return 'transient';
  if (isNetworkError(error)) return 'transient';
  // An AbortError that is not ours (the caller's signal is not aborted): the connection was cut.
  if (isAbortError(error)) return 'transient';
  // An unknown refusal: from STS it is the identity; elsewhere, the narrowest scope (the operation).
  if (status === 401 || status === 403) return service === 'sts' ? 'identity' : 'permission';
  return 'other';
}

/** True when the failure says an assumed-role session is expired or unknown (worth one refresh). */
export function isSessionError(error: unknown): boolean {
  return SESSION_CODES.has(awsErrorCode(error) ?? '');
}

/** Where the failed call went, for the error's message, fields and scope. */
export interface CallSite {
  /** `cloudwatch`, `ce`, `guardduty`, `sts` or `ses`. */
  service: string;
  /** The AWS operation, e.g. `GetMetricData`. */
  operation: string;
  /** The region the call was signed for. */
  region?: string;
}

/**
 * Turn whatever an SDK call threw into what the adapter throws: an AbortError when `signal` was
 * aborted, the error itself when already classified, otherwise an `AwsCallError` carrying the
 * operation, region and IAM action (from `operation-actions.ts`). The message holds the service,
 * operation, code and status only — never AWS's text, which can quote ARNs and request details —
 * the original error stays as `cause` for the logs. `kind` overrides the classification (the
 * caller's narrowing of an identity refusal to a region).
 */
export function classifyAwsError(error: unknown, site: CallSite, signal?: AbortSignal, kind?: AwsFailureKind): Error {
  if (signal?.aborted) return abortErrorFor(signal, error);
  if (error instanceof AwsCallError) return error;
  const resolved = kind ?? awsFailureKind(error, site.service);
  const code = awsErrorCode(error) ?? stringCode(error);
  const status = shape(error).$metadata?.httpStatusCode;
  const detail = [code, status === undefined ? undefined : `HTTP ${status}`].filter(Boolean).join(', ');
  const where = site.region ? ` in ${site.region}` : '';
  const message = `${site.service} ${site.operation}${where} failed: ${resolved}${detail ? ` (${detail})` : ''}`;
  const action = operationAction(site.service, site.operation)?.action;
  return new AwsCallError(resolved, site.service, code, message, error, {
    operation: site.operation,
    ...(site.region ? { region: site.region } : {}),
    ...(action ? { action } : {}),
  });
}

function stringCode(error: unknown): string | undefined {
  const code = shape(error).code;
  return typeof code === 'string' ? code : undefined;
}
