/**
 * Abort helpers: an abort always surfaces as an `AbortError`, never as a classified AWS
 * failure, so supervision can tell "we stopped" from "AWS failed".
 */
import { isAbortError } from '../domain/errors.js';

/** The error to throw for an aborted `signal`: its reason when that is already an AbortError. */
export function abortErrorFor(signal: AbortSignal, cause?: unknown): Error {
  const reason: unknown = signal.reason;
  if (isAbortError(reason)) return reason as Error;
  if (isAbortError(cause)) return cause as Error;
  // AbortSignal.timeout() aborts with a TimeoutError; keep it as the cause but report an abort.
  const error = new Error('operation aborted', { cause: reason ?? cause });
  error.name = 'AbortError';
  return error;
}

/** Throw an AbortError when `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortErrorFor(signal);
}

/**
 * Settle with `promise` or reject with an AbortError as soon as `signal` aborts, whichever comes
 * first. The promise itself keeps running: used where work is shared by several callers (a
 * credential refresh) and one caller's abort must not cancel it for the others.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortErrorFor(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortErrorFor(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
