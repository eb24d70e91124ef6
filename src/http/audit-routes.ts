/**
 * The tenant's audit trail for its owners (and, with roles, admins): a page at a time, newest
 * first, or the whole retained trail as CSV. CSV cells that a spreadsheet would run as a formula
 * are neutralised (OWASP "CSV Injection").
 */
import type { AuditEntry } from '../store/index.js';
import type { AuditPage } from './api-types.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, type AnyRoute } from './route-spec.js';
import { auditQuerySchema } from './schemas.js';

/** Most entries one CSV export holds. */
export const AUDIT_CSV_MAX_ROWS = 50_000;

/** One CSV cell: quoted, quotes doubled, and a leading = + - @ tab or CR made inert with a quote mark. */
export function csvCell(value: string): string {
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${inert.replace(/"/g, '""')}"`;
}

function csvRow(entry: AuditEntry): string {
  const detail = entry.detail ? Object.entries(entry.detail).map(([k, v]) => `${k}=${v}`).join('; ') : '';
  const { actor } = entry;
  return [entry.at, entry.action, actor.kind, actor.email ?? '', actor.userId ?? '', entry.target ?? '', entry.ip ?? '', detail, actor.tokenId ?? '', actor.tokenName ?? ''].map(csvCell).join(',');
}

/** The audit routes. */
export function auditRoutes(rc: RouteContext): AnyRoute[] {
  const { store } = rc.deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/audit',
      summary: "The tenant's audit trail, newest first (owners and admins)",
      tag: 'settings',
      auth: 'session',
      role: 'admin',
      query: auditQuerySchema,
      responses: { 200: 'AuditPage', 400: 'Problem (INVALID_CURSOR)', 401: 'Problem', 403: 'Problem (ROLE_REQUIRED)' },
      async handler(_ctx, { query, session: { tenantId }, signal }) {
        const page = await store.audit.list(tenantId, { ...(query.before ? { before: query.before } : {}), limit: query.limit ?? 50 }, signal);
        const body: AuditPage = { items: page.items, ...(page.next ? { next: page.next } : {}) };
        return body;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/audit.csv',
      summary: 'The whole retained audit trail as CSV (owners and admins)',
      tag: 'settings',
      auth: 'session',
      role: 'admin',
      responses: { 200: 'text/csv', 401: 'Problem', 403: 'Problem (ROLE_REQUIRED)' },
      async handler(ctx, { session: { tenantId }, signal }) {
        // The token columns were added last, so a reader of the earlier columns by position still works.
        const lines = ['at,action,actor_kind,actor_email,actor_user_id,target,ip,detail,actor_token_id,actor_token_name'];
        let before: string | undefined;
        do {
          const page = await store.audit.list(tenantId, { limit: 1000, ...(before ? { before } : {}) }, signal);
          for (const entry of page.items) lines.push(csvRow(entry));
          before = page.next;
        } while (before !== undefined && lines.length <= AUDIT_CSV_MAX_ROWS);
        ctx.type = 'text/csv; charset=utf-8';
        ctx.set('Content-Disposition', `attachment; filename="audit-${tenantId}.csv"`);
        return `${lines.join('\r\n')}\r\n`;
      },
    }),
  ];
}
