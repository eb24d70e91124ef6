/**
 * The findings workflow: one page of a tenant's findings filtered and sorted across all pages,
 * the same selection as CSV, and the suppression rules. Every read is scoped to the session's
 * tenant; an account id from the query must be one of that tenant's; a cursor is bound to the
 * tenant, the filters and the order it was issued for.
 */
import { ruleActive, type SuppressionRule } from '../domain/suppression.js';
import {
  decodeCursor,
  encodeCursor,
  queryBinding,
  searchFindings,
  type FindingSearch,
  type SearchedFinding,
  type StoredFinding,
} from '../store/index.js';
import type { FindingsPage, FindingView, SuppressionRuleView } from './api-types.js';
import { csvDocument } from './csv.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, reply, type AnyRoute } from './route-spec.js';
import { findingsExportQuerySchema, findingsQuerySchema, idParams, suppressionRuleSchema } from './schemas.js';
import { ownAccount, suppressionRules } from './tenant-data.js';
import type { TenantView } from './tenant-view.js';
import { findingView } from './views.js';

type FindingsQuery = ReturnType<typeof findingsExportQuerySchema.parse>;

/** The rule as the API shows it. */
export function suppressionView(rule: SuppressionRule, now: number): SuppressionRuleView {
  return {
    id: rule.id,
    kind: rule.kind,
    value: rule.value,
    reason: rule.reason,
    createdAt: rule.createdAt,
    ...(rule.expiresAt ? { expiresAt: rule.expiresAt } : {}),
    active: ruleActive(rule, now),
  };
}

function searchedView(finding: SearchedFinding): FindingView {
  const view = findingView(finding);
  const rule = finding.suppressedBy;
  if (!rule) return view;
  return {
    ...view,
    status: 'suppressed',
    suppression: { ruleId: rule.id, kind: rule.kind, reason: rule.reason, ...(rule.expiresAt ? { expiresAt: rule.expiresAt } : {}) },
  };
}

/** The findings of the tenant's current accounts matching `query`, sorted; `offset`/`limit` page them. `signal` is the request's. */
async function search(rc: RouteContext, tenant: TenantView, query: FindingsQuery, offset: number, limit: number, signal: AbortSignal) {
  if (query.accountId) ownAccount(tenant, query.accountId);
  const status = query.status ?? 'open';
  // Suppressed findings are open ones in the store: the rules decide at read time, so removing a rule brings them back at once.
  const stored = status === 'archived' ? 'archived' : status === 'all' ? 'all' : 'open';
  const [set, rules] = await Promise.all([
    rc.cached(tenant.id, `findings:set:${stored}`, (shared) => rc.deps.store.findings.all(tenant.id, stored, shared), signal),
    suppressionRules(rc, tenant.id, signal),
  ]);
  // Findings of a disconnected account wait for their TTL in the store; they are not shown.
  const names = new Map(tenant.accounts.map((a) => [a.id, a.name]));
  const current: StoredFinding[] = set.items.filter((f) => names.has(f.accountId));
  const request: FindingSearch = {
    status,
    ...(query.severity && query.severity.length > 0 ? { severity: query.severity } : {}),
    ...(query.accountId ? { accountId: query.accountId } : {}),
    ...(query.region ? { region: query.region } : {}),
    ...(query.type ? { type: query.type } : {}),
    ...(query.resource ? { resource: query.resource } : {}),
    sort: query.sort ?? 'severity',
    // Numbers and times read best largest/newest first; names A to Z.
    descending: query.order ? query.order === 'desc' : ['severity', 'count', 'updatedAt', 'createdAt'].includes(query.sort ?? 'severity'),
    offset,
    limit,
  };
  const result = searchFindings(current, rules, request, rc.now(), (id) => names.get(id) ?? id);
  return { ...result, truncated: set.truncated };
}

/** The findings routes. */
export function findingRoutes(rc: RouteContext): AnyRoute[] {
  const { store } = rc.deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/findings',
      summary: 'GuardDuty findings filtered (severity, status, account, region, type, resource) and sorted across pages; total count; cursor pagination',
      tag: 'data',
      auth: 'session',
      query: findingsQuerySchema,
      responses: { 200: 'FindingsPage', 304: 'Not modified (If-None-Match matched the ETag)', 400: 'Problem (INVALID_CURSOR, VALIDATION_FAILED)', 401: 'Problem', 404: 'Problem' },
      // The findings, their suppression rules (`findings`) and the tenant's accounts (`tenant`); rules expire with the clock.
      rendered: { kinds: ['findings', 'tenant'] },
      async handler(_ctx, { query, tenant, signal }) {
        const { cursor, limit: requested, ...filters } = query;
        const limit = requested ?? 50;
        const binding = queryBinding({ ...filters, limit });
        const offset = cursor ? Number(decodeCursor(cursor, { tenantId: tenant.id, binding, keyAttributes: ['pk', 'o'] }).o) : 0;
        if (!Number.isSafeInteger(offset) || offset < 0) throw clientError(400, 'INVALID_CURSOR', 'invalid cursor');
        const result = await search(rc, tenant, filters, offset, limit, signal);
        const next = offset + limit;
        const body: FindingsPage = {
          items: result.items.map(searchedView),
          total: result.total,
          offset,
          truncated: result.truncated,
          ...(next < result.total ? { nextCursor: encodeCursor({ pk: tenant.id, o: String(next) }, binding) } : {}),
        };
        return body;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/findings.csv',
      summary: 'The findings of GET /api/findings (same filters and order, every page) as CSV',
      tag: 'data',
      auth: 'session',
      query: findingsExportQuerySchema,
      responses: { 200: 'text/csv', 400: 'Problem', 401: 'Problem', 404: 'Problem' },
      async handler(ctx, { query, tenant, signal }) {
        const result = await search(rc, tenant, query, 0, Number.MAX_SAFE_INTEGER, signal);
        const names = new Map(tenant.accounts.map((a) => [a.id, a.name]));
        const rows = result.items.map((f) => [
          f.severity,
          f.band,
          f.suppressedBy ? 'suppressed' : f.archived ? 'archived' : 'open',
          f.title,
          f.type,
          f.resourceType,
          f.resourceId,
          names.get(f.accountId) ?? f.accountId,
          tenant.accounts.find((a) => a.id === f.accountId)?.awsAccountId,
          f.region,
          f.count,
          f.createdAt,
          f.updatedAt,
          f.suppressedBy?.reason,
          f.id,
        ]);
        ctx.type = 'text/csv; charset=utf-8';
        ctx.set('Content-Disposition', `attachment; filename="findings-${new Date(rc.now()).toISOString().slice(0, 10)}.csv"`);
        return csvDocument(
          ['severity', 'band', 'status', 'title', 'type', 'resource_type', 'resource_id', 'account', 'aws_account_id', 'region', 'count', 'first_seen', 'last_seen', 'suppression_reason', 'finding_id'],
          rows,
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/findings/suppressions',
      summary: 'The tenant\'s suppression rules (expired ones marked inactive)',
      tag: 'data',
      auth: 'session',
      responses: { 200: 'SuppressionRuleView[]', 401: 'Problem' },
      async handler(_ctx, { tenant, signal }) {
        const now = rc.now();
        return (await suppressionRules(rc, tenant.id, signal)).map((rule) => suppressionView(rule, now));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/findings/suppressions',
      summary: 'Suppress findings by type, resource or account, with a reason and an optional expiry; the same rule twice is one rule (200)',
      tag: 'data',
      auth: 'session',
      body: suppressionRuleSchema,
      responses: { 201: 'SuppressionRuleView', 200: 'SuppressionRuleView', 400: 'Problem', 401: 'Problem', 404: 'Problem', 409: 'Problem (TOO_MANY_RULES)' },
      async handler(_ctx, { body, session, tenant }) {
        const now = rc.now();
        if (body.expiresAt !== undefined && !(Date.parse(body.expiresAt) > now)) {
          throw clientError(400, 'INVALID_EXPIRY', 'the expiry must be in the future');
        }
        if (body.kind === 'account') ownAccount(tenant, body.value);
        const { rule, created } = await store.findings.suppressions.add(tenant.id, {
          kind: body.kind,
          value: body.value,
          reason: body.reason,
          createdBy: session.userId,
          ...(body.expiresAt ? { expiresAt: new Date(Date.parse(body.expiresAt)).toISOString() } : {}),
        });
        if (created) await store.cache.invalidate(tenant.id);
        return created ? reply(201, suppressionView(rule, now)) : suppressionView(rule, now);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/findings/suppressions/:id',
      summary: 'Remove a suppression rule: its findings are open (and can alert) again',
      tag: 'data',
      auth: 'session',
      params: idParams('suppression rule'),
      responses: { 204: 'Removed', 400: 'Problem (VALIDATION_FAILED)', 401: 'Problem', 404: 'Problem (NOT_FOUND)' },
      async handler(_ctx, { params, tenant }) {
        if (!(await store.findings.suppressions.remove(tenant.id, params.id))) {
          throw clientError(404, 'NOT_FOUND', 'no such suppression rule');
        }
        await store.cache.invalidate(tenant.id);
        return undefined;
      },
    }),
  ];
}
