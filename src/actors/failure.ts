/**
 * Turning whatever a collector run threw into the classified, secret-free record the health
 * registry keeps. Classification of AWS errors happens once, in src/aws (AwsCallError); here
 * we only read it.
 */
import { AppError, AwsCallError } from '../domain/errors.js';
import type { ErrorInfo, FailureKind } from './health-registry.js';

/** The breaker for a (tenant, service) is open: the call was not made. */
export class BreakerOpenError extends AppError {
  override readonly name = 'BreakerOpenError';
  constructor(readonly service: string) {
    super('BREAKER_OPEN', `circuit breaker for ${service} is open`);
  }
}

/** An AWS call outlived its deadline and was aborted. */
export class CallTimeoutError extends AwsCallError {
  constructor(service: string, timeoutMs: number) {
    super('transient', service, 'Timeout', `${service} call timed out after ${timeoutMs} ms`);
  }
}

// Access key ids and 40-character secrets, in case a message ever carries one.
const SECRETISH = /\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b|\b[A-Za-z0-9/+=]{40}\b/g;

/** A message safe to show an operator: bounded and scrubbed of anything that looks like a key. */
export function safeMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(SECRETISH, '[redacted]').slice(0, 200);
}

/** Which kind of failure `error` is, as supervision acts on it. */
export function failureKind(error: unknown): FailureKind {
  if (error instanceof BreakerOpenError) return 'breaker_open';
  if (error instanceof CallTimeoutError) return 'timeout';
  if (error instanceof AwsCallError) return error.kind;
  // The platform's own AWS calls (the store's DynamoDB) that fail on the server side or are
  // marked retryable by the SDK are passing trouble, not a bug in the collector.
  const sdk = error as { $fault?: string; $retryable?: unknown } | null;
  if (sdk && typeof sdk === 'object' && (sdk.$fault === 'server' || sdk.$retryable)) return 'transient';
  return 'bug';
}

export function describeFailure(error: unknown, at: number): ErrorInfo {
  const code =
    error instanceof AwsCallError
      ? (error.awsCode ?? error.code)
      : error instanceof AppError
        ? error.code
        : error instanceof Error
          ? error.name
          : 'Error';
  const action = error instanceof AwsCallError ? error.action : undefined;
  return { kind: failureKind(error), code, ...(action && error instanceof AwsCallError && error.kind === 'permission' ? { action } : {}), message: safeMessage(error), at };
}
