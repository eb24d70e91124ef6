import type { Problem } from './types.js';

/**
 * A failed API call. `code` is the server's stable `Problem.code`, or one of ours:
 * `NETWORK` (no answer), `BAD_RESPONSE` (an answer that is not the JSON we expect), or
 * `HTTP_<status>` (an error without problem details, e.g. from a proxy).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly problem: Problem | undefined;

  constructor(status: number, code: string, message: string, problem?: Problem, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.code = code;
    this.problem = problem;
  }
}

/** True for the rejection of a fetch whose AbortSignal fired (a stale request, not a failure). */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
