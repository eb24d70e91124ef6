/**
 * The one base error of the project: a stable `code` callers branch on, an optional `cause`,
 * and `expose` saying whether the message may be shown to a client (koa's convention).
 */
export class AppError extends Error {
  override readonly name: string = 'AppError';
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;

  constructor(code: string, message: string, options: { cause?: unknown; status?: number; expose?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? 500;
    this.expose = options.expose ?? this.status < 500;
  }
}

/**
 * The kinds of AWS failure, each with the scope it stops (DESIGN.md "Failure scopes"):
 * - `identity`: STS refuses the role or the keys; the account stops until the tenant updates it.
 * - `permission`: one operation is denied while the identity works; that operation (and the
 *   collector steps that need it) for that account.
 * - `region`: a regional endpoint refuses an identity that works elsewhere (an opt-in region the
 *   account has not enabled); that region of that account.
 * - `feature`: the feature is not enabled / not subscribed / not opted in; shown as a setup step.
 * - `no_data`: the service has no data to answer with yet (a new account's forecast); nothing stops.
 * - `throttled`: the SDK's own retries were exhausted; counts against the breaker.
 * - `transient`: 5xx, timeouts, network, an unparseable answer; counts against the breaker.
 * - `other`: a client error that is not the account's fault nor passing (validation, unknown
 *   operation); it does not trip the breaker and is recorded, not retried sooner.
 */
export type AwsFailureKind = 'identity' | 'permission' | 'region' | 'feature' | 'no_data' | 'throttled' | 'transient' | 'other';

/** Where a failed call went, beyond its service (for scopes and for telling the tenant what to do). */
export interface AwsCallSite {
  /** The AWS operation, e.g. `GetMetricData`. */
  operation?: string;
  /** The region the call was signed for (regional services). */
  region?: string;
  /** The IAM action the operation needs, e.g. `ce:GetCostForecast`. */
  action?: string;
}

/** An AWS call that failed, classified once in `src/aws`. The message never holds a secret. */
export class AwsCallError extends AppError {
  override readonly name = 'AwsCallError';
  readonly kind: AwsFailureKind;
  /** The AWS service the call went to (`cloudwatch`, `ce`, `guardduty`, `sts`, `ses`). */
  readonly service: string;
  /** The AWS error code, e.g. `ThrottlingException`, when there is one. */
  readonly awsCode: string | undefined;
  readonly operation: string | undefined;
  readonly region: string | undefined;
  readonly action: string | undefined;

  constructor(kind: AwsFailureKind, service: string, awsCode: string | undefined, message: string, cause?: unknown, site: AwsCallSite = {}) {
    super(`AWS_${kind.toUpperCase()}`, message, { cause });
    this.kind = kind;
    this.service = service;
    this.awsCode = awsCode;
    this.operation = site.operation;
    this.region = site.region;
    this.action = site.action;
  }
}

/** True when `error` is an AbortError raised because a signal the caller owns was aborted. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}
