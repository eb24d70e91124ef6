/**
 * The one place AWS failures are classified into the kinds supervision acts on
 * (DESIGN.md "Supervision"). Decisions use the error's `name` (the AWS error code),
 * `$metadata.httpStatusCode`, `$fault`, `$retryable` and Node's `code` — never message text.
 */
import { AwsCallError, isAbortError, type AwsFailureKind } from '../domain/errors.js';
import { abortErrorFor } from './abort.js';

/** AWS codes meaning the caller's credentials or permissions were refused. */
const CREDENTIAL_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
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
  'NotAuthorized',
  'SignatureDoesNotMatch',
  'UnauthorizedException',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
]);

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

/** The AWS error code of an SDK error (its `name`), when it has one. */
export function awsErrorCode(error: unknown): string | undefined {
  const name = shape(error).name;
  return typeof name === 'string' && name !== 'Error' ? name : undefined;
}

function isNetworkError(error: unknown, depth = 0): boolean {
  const { code, cause } = shape(error);
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return cause !== undefined && depth < 5 && isNetworkError(cause, depth + 1);
}

/** The kind of an AWS failure (the error is not an abort; check that first). */
export function awsFailureKind(error: unknown): AwsFailureKind {
  if (error instanceof AwsCallError) return error.kind;
  const e = shape(error);
  const code = awsErrorCode(error) ?? '';
  const status = e.$metadata?.httpStatusCode;
  if (CREDENTIAL_CODES.has(code)) return 'credentials';
  if (THROTTLING_CODES.has(code) || status === 429 || e.$retryable?.throttling === true) return 'throttled';
  if (TRANSIENT_CODES.has(code) || e.$fault === 'server' || (status !== undefined && status >= 500)) return 'transient';
  if (isNetworkError(error)) return 'transient';
  // An AbortError that is not ours (the caller's signal is not aborted): the connection was cut.
  if (isAbortError(error)) return 'transient';
  if (status === 401 || status === 403) return 'credentials';
  return 'other';
}

/** True when the failure says an assumed-role session is expired or unknown (worth one refresh). */
export function isSessionError(error: unknown): boolean {
  return SESSION_CODES.has(awsErrorCode(error) ?? '');
}

/** Where the failed call went, for the error's message and fields. */
export interface CallSite {
  /** `cloudwatch`, `ce`, `guardduty`, `sts` or `ses`. */
  service: string;
  /** The AWS operation, e.g. `GetMetricData`. */
  operation: string;
}

/**
 * Turn whatever an SDK call threw into what the adapter throws: an AbortError when `signal` was
 * aborted, the error itself when already classified, otherwise an `AwsCallError`. The message
 * holds the service, operation, code and status only — never AWS's text, which can quote ARNs
 * and request details — the original error stays as `cause` for the logs.
 */
export function classifyAwsError(error: unknown, site: CallSite, signal?: AbortSignal): Error {
  if (signal?.aborted) return abortErrorFor(signal, error);
  if (error instanceof AwsCallError) return error;
  const kind = awsFailureKind(error);
  const code = awsErrorCode(error) ?? stringCode(error);
  const status = shape(error).$metadata?.httpStatusCode;
  const detail = [code, status === undefined ? undefined : `HTTP ${status}`].filter(Boolean).join(', ');
  const message = `${site.service} ${site.operation} failed: ${kind}${detail ? ` (${detail})` : ''}`;
  return new AwsCallError(kind, site.service, code, message, error);
}

function stringCode(error: unknown): string | undefined {
  const code = shape(error).code;
  return typeof code === 'string' ? code : undefined;
}
