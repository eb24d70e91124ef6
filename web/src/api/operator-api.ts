/** The operator endpoint (/ops): Bearer token when the service has one, none on demo loopback. */
import { request, withQuery } from './http.js';
import type { WorkersResponse } from './types.js';

const bearer = (token: string): Record<string, string> => (token === '' ? {} : { Authorization: `Bearer ${token}` });

export const operatorApi = {
  workers: (token: string, query: { state?: string; tenant?: string; q?: string; sort?: string; limit?: number }, signal?: AbortSignal) =>
    request<WorkersResponse>(withQuery('/ops/workers', query), { headers: bearer(token), signal }),
  restartTenant: (token: string, tenantId: string) =>
    request<unknown>(`/ops/tenants/${encodeURIComponent(tenantId)}/restart`, { method: 'POST', headers: bearer(token) }),
};
