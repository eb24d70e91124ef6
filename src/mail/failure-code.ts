/** How the mailer names a failure in its log and in an outbox item: a code, never a message text (it may quote an address). */
import { AppError, AwsCallError } from '../domain/errors.js';

/** `throttled:TooManyRequestsException`, `MAIL_SEND_TIMEOUT`, `ConditionalCheckFailedException`, ... */
export function failureCode(error: unknown): string {
  if (error instanceof AwsCallError) return `${error.kind}${error.awsCode ? `:${error.awsCode}` : ''}`;
  if (error instanceof AppError) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}
