/**
 * The one place the dashboard calls fetch: same-origin credentials (the `sid` cookie), JSON in
 * and out, problem details turned into an ApiError. Writes are same-origin fetches, so the
 * browser sends the Origin header the server's CSRF check wants.
 */
import { ApiError } from './api-error.js';
import type { Problem } from './types.js';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  /** Extra headers, e.g. the operator's `Authorization`. */
  headers?: Record<string, string>;
}

/** Fired on `window` when a tenant API call answers 401: the session ended or never began. */
export const SESSION_EXPIRED_EVENT = 'ch-session-expired';

/** A path with its query; parameters that are undefined or '' are left out. */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** Call the API; resolves with the parsed JSON body (undefined for 202/204 without one). */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...options.headers };
  const init: RequestInit = { method: options.method ?? 'GET', credentials: 'same-origin', headers, signal: options.signal ?? null };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new ApiError(0, 'NETWORK', 'The service could not be reached.', undefined, { cause });
  }
  if (!response.ok) throw await toApiError(path, response);
  const text = await response.text();
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new ApiError(response.status, 'BAD_RESPONSE', 'The service answered with something unexpected.', undefined, { cause });
  }
}

async function toApiError(path: string, response: Response): Promise<ApiError> {
  if (response.status === 401 && path.startsWith('/api/') && !path.startsWith('/api/auth/')) {
    window.dispatchEvent(new CustomEvent(SESSION_EXPIRED_EVENT));
  }
  const type = response.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await response.json()) as Partial<Problem>;
      if (typeof body.code === 'string') {
        const problem = { ...body, status: response.status } as Problem;
        return new ApiError(response.status, body.code, body.title ?? response.statusText, problem);
      }
    } catch {
      // not JSON after all: fall through to the status code
    }
  }
  return new ApiError(response.status, `HTTP_${response.status}`, response.statusText);
}
