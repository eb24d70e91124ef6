/** The tenant's audit trail (GET /api/audit; owners and admins). */
import { request, withQuery } from './http.js';
import type { AuditPage } from './types.js';

export const auditApi = {
  page: (query: { before?: string; limit?: number }, signal?: AbortSignal) => request<AuditPage>(withQuery('/api/audit', query), { signal }),
};
