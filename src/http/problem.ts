/**
 * Errors as RFC 9457 problem details (`application/problem+json`) with a stable `code`. One
 * middleware turns anything thrown into a Problem; `expose` decides whether the message may be
 * shown: otherwise the client reads only the status's generic title, never exception text.
 */
import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import { AppError } from '../domain/errors.js';
import type { Logger } from '../log.js';
import type { Problem } from './api-types.js';

/** The content type of every error response. */
export const PROBLEM_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Fallback codes for a bare status (e.g. one the router set). */
const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
};

/** Headers that survive an error (security headers and the request id); the rest is dropped. */
const KEPT_ON_ERROR = new Set([
  'x-request-id',
  'content-security-policy',
  'x-content-type-options',
  'referrer-policy',
  'x-frame-options',
  'strict-transport-security',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'permissions-policy',
  'cache-control',
]);

/** A validation error: 400 `VALIDATION_FAILED` with the fields that were wrong. */
export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  readonly errors: { path: string; message: string }[];

  constructor(errors: { path: string; message: string }[], detail = 'the request is not valid') {
    super('VALIDATION_FAILED', detail, { status: 400, expose: true });
    this.errors = errors;
  }
}

/** A client error (4xx) the client may read: shorthand for an exposed AppError. */
export function clientError(status: number, code: string, detail: string, headers?: Record<string, string>): AppError {
  const error = new AppError(code, detail, { status, expose: true });
  if (headers) Object.assign(error, { headers });
  return error;
}

/** The problem body of a status, code and optional detail. */
export function problemOf(status: number, code: string, detail?: string, errors?: Problem['errors']): Problem {
  return {
    type: `/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    ...(detail ? { detail } : {}),
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/** Write a problem response on `ctx`. */
export function sendProblem(ctx: Koa.Context, problem: Problem): void {
  ctx.status = problem.status;
  ctx.body = problem;
  ctx.type = PROBLEM_TYPE;
}

interface ErrorLike {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  code?: unknown;
  message?: unknown;
  headers?: unknown;
  errors?: unknown;
}

function statusOf(error: ErrorLike): number {
  const status = typeof error.status === 'number' ? error.status : typeof error.statusCode === 'number' ? error.statusCode : 500;
  return status >= 400 && status <= 599 ? status : 500;
}

/**
 * The one error middleware: every thrown error becomes a Problem; 5xx are logged with a
 * reference id the client sees (`X-Request-Id`), and their text never leaves the server.
 */
export function errorHandler(log: Logger): Koa.Middleware {
  return async (ctx, next) => {
    const requestId = randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } catch (caught) {
      // A client that went away aborted the request's reads: whatever they threw (the SDK's
      // AbortError), the answer is the abort's reason, a 499 nobody reads, not a logged 500.
      const signal = (ctx.state as { signal?: AbortSignal }).signal;
      const thrown: unknown = signal?.aborted ? signal.reason : caught;
      const error = (thrown ?? {}) as ErrorLike;
      const status = statusOf(error);
      // koa's convention: `expose` when set, otherwise only client errors are shown.
      const expose = typeof error.expose === 'boolean' ? error.expose : status < 500;
      const code =
        expose && typeof error.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(error.code)
          ? error.code
          : (STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'));
      const detail = expose && typeof error.message === 'string' ? error.message : undefined;
      const errors = thrown instanceof ValidationError ? thrown.errors : undefined;
      if (status >= 500) {
        log.error({ err: thrown, requestId, method: ctx.method, route: ctx._matchedRoute }, 'request failed');
      }
      // Headers set before the failure (cookies, cache hints) must not leak into the error.
      for (const name of Object.keys(ctx.response.headers)) if (!KEPT_ON_ERROR.has(name)) ctx.remove(name);
      if (error.headers && typeof error.headers === 'object') {
        for (const [name, value] of Object.entries(error.headers as Record<string, unknown>)) {
          if (typeof value === 'string') ctx.set(name, value);
        }
      }
      sendProblem(ctx, problemOf(status, code, detail ?? (status >= 500 ? `reference ${requestId}` : undefined), errors));
    }
  };
}

/**
 * Turn a bare error status left by routing (404 with no body, 405 from allowedMethods) into a
 * Problem. Mounted last-but-one, after the router and the web hook.
 */
export function finalizeStatus(): Koa.Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.body !== undefined && ctx.body !== null) return;
    if (ctx.status === 404) sendProblem(ctx, problemOf(404, 'NOT_FOUND', 'no such resource'));
    else if (ctx.status === 405) sendProblem(ctx, problemOf(405, 'METHOD_NOT_ALLOWED', `${ctx.method} is not allowed here`));
    else if (ctx.status === 501) sendProblem(ctx, problemOf(501, 'NOT_IMPLEMENTED', `${ctx.method} is not supported`));
  };
}
