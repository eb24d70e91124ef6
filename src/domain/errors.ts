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
 * The kinds of AWS failure supervision acts on (DESIGN.md "Supervision"):
 * - `credentials`: rejected credentials (AccessDenied, InvalidClientTokenId, ExpiredToken after refresh);
 *   collection for the account stops until its credentials change.
 * - `throttled`: the SDK's own retries were exhausted; counts against the breaker.
 * - `transient`: 5xx, timeouts, network; counts against the breaker.
 * - `other`: a client error that is not the account's fault nor passing (validation, unknown
 *   operation); it does not trip the breaker and is recorded, not retried sooner.
 */
export type AwsFailureKind = 'credentials' | 'throttled' | 'transient' | 'other';

/** An AWS call that failed, classified once in `src/aws`. The message never holds a secret. */
export class AwsCallError extends AppError {
  override readonly name = 'AwsCallError';
  readonly kind: AwsFailureKind;
  /** The AWS service the call went to (`cloudwatch`, `ce`, `guardduty`, `sts`, `ses`). */
  readonly service: string;
  /** The AWS error code, e.g. `ThrottlingException`, when there is one. */
  readonly awsCode: string | undefined;

  constructor(kind: AwsFailureKind, service: string, awsCode: string | undefined, message: string, cause?: unknown) {
    super(`AWS_${kind.toUpperCase()}`, message, { cause });
    this.kind = kind;
    this.service = service;
    this.awsCode = awsCode;
  }
}

/** True when `error` is an AbortError raised because a signal the caller owns was aborted. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}
