/**
 * A channel failure with a stable code (`CHANNEL_TARGET_FORBIDDEN`, `CHANNEL_HTTP_STATUS`, ...):
 * what Settings shows as a channel's last error, and a 400 when a URL is refused at the API.
 * The message never holds the URL (a secret) nor a receiver's response body.
 */
import { AppError } from '../domain/errors.js';

/** Codes whose cause is the URL itself: refused when a channel is added. */
export const URL_CODES: ReadonlySet<string> = new Set(['CHANNEL_URL_INVALID', 'CHANNEL_URL_NOT_HTTPS', 'CHANNEL_TARGET_FORBIDDEN', 'CHANNEL_URL_NOT_SLACK']);

export class ChannelError extends AppError {
  override readonly name = 'ChannelError';
  /** The receiver's HTTP status, when it answered. */
  readonly httpStatus: number | undefined;

  constructor(code: string, message: string, options: { cause?: unknown; httpStatus?: number } = {}) {
    super(code, message, { status: 400, expose: true, ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.httpStatus = options.httpStatus;
  }
}

/** A short, stable description of a failure for Settings: the code, plus the HTTP status when there is one. */
export function channelFailureCode(error: unknown): string {
  if (error instanceof ChannelError) return error.httpStatus ? `${error.code}:${error.httpStatus}` : error.code;
  if (error instanceof AppError) return error.code;
  return 'CHANNEL_FAILED';
}
