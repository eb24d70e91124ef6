/**
 * The operator endpoint: health (status alone for anyone, detail for the operator), the worker
 * registry, a tenant restart and Prometheus metrics; and, in demo mode only, the simulator's
 * outbox. Auth is `requireOperator` (operator-auth.ts).
 */
import { recordAudit } from './audit-trail.js';
import type { ErrorInfo, FleetLag, TenantHealth } from '../domain/worker-health.js';
import type { LeaseSnapshot } from '../domain/leases.js';
import { COLLECTOR_LIST } from '../collectors/index.js';
import type { FleetLagView, HealthDetail, HealthStatus, LeasesView, Meta, WorkersResponse } from './api-types.js';
import type { AppMetrics } from './prometheus.js';
import { isLoopbackClient, operatorStanding } from './operator-auth.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, redirect, reply, type AnyRoute } from './route-spec.js';
import { idParams, workersQuerySchema } from './schemas.js';
import { createTenantDirectory, type TenantNames } from './tenant-directory.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const errorView = (error: ErrorInfo) => ({ kind: error.kind, code: error.code, message: error.message, at: iso(error.at) ?? '' });

type WorkerView = WorkersResponse['workers'][number];

const STATE_ORDER: Record<string, number> = { parked: 0, backoff: 1, stopped: 2, running: 3 };
const errorCount = (w: WorkerView) => (w.lastError ? 1 : 0) + Object.values(w.collectors).filter((c) => c.lastError).length;

/** The operator's search: tenant id or name, or an account's id, name or AWS account id. */
function matches(worker: WorkerView, q: string): boolean {
  const needle = q.toLowerCase();
  const texts = [worker.tenantId, worker.tenantName ?? '', ...Object.entries(worker.accounts).flatMap(([id, a]) => [id, a.name ?? '', a.awsAccountId ?? ''])];
  return texts.some((text) => text.toLowerCase().includes(needle));
}

/** Troubled first by default: parked, backing off, stopped, then running; ties by name. */
function compareWorkers(sort: 'name' | 'state' | 'restarts' | 'errors') {
  const name = (w: WorkerView) => (w.tenantName ?? w.tenantId).toLowerCase();
  return (a: WorkerView, b: WorkerView) => {
    const primary =
      sort === 'name' ? 0 : sort === 'restarts' ? b.restarts - a.restarts : sort === 'errors' ? errorCount(b) - errorCount(a) : (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9);
    return primary || name(a).localeCompare(name(b)) || a.tenantId.localeCompare(b.tenantId);
  };
}

const lagView = (lag: FleetLag): FleetLagView => ({
  behind: lag.behind,
  oldestOverdueMs: lag.oldestOverdueMs,
  overdue: lag.overdue,
  collectors: lag.collectors,
  lateShare: Math.round(lag.lateShare * 1000) / 1000,
  recentRuns: lag.recentRuns,
});

function workerView(tenant: TenantHealth, names?: TenantNames): WorkerView {
  return {
    tenantId: tenant.tenantId,
    ...(names ? { tenantName: names.name } : {}),
    state: tenant.state,
    restarts: tenant.restarts,
    ...(tenant.parkedUntil !== undefined ? { parkedUntil: iso(tenant.parkedUntil) } : {}),
    ...(tenant.lastError ? { lastError: errorView(tenant.lastError) } : {}),
    breakers: { ...tenant.breakers },
    accounts: Object.fromEntries(
      Object.entries(tenant.accounts).map(([id, a]) => {
        const known = names?.accounts[id];
        return [id, { status: a.status, ...(a.reason ? { reason: a.reason } : {}), ...(known ? { name: known.name, awsAccountId: known.awsAccountId } : {}) }];
      }),
    ),
    collectors: Object.fromEntries(
      Object.entries(tenant.collectors).map(([kind, c]) => [
        kind,
        {
          state: c.state,
          restarts: c.restarts,
          runs: c.runs,
          failures: { ...c.failures } as Record<string, number>,
          ...(c.lastRunAt !== undefined ? { lastRunAt: iso(c.lastRunAt) } : {}),
          ...(c.lastDurationMs !== undefined ? { lastDurationMs: c.lastDurationMs } : {}),
          ...(c.lastSuccessAt !== undefined ? { lastSuccessAt: iso(c.lastSuccessAt) } : {}),
          ...(c.nextRunAt !== undefined ? { nextRunAt: iso(c.nextRunAt) } : {}),
          ...(c.parkedUntil !== undefined ? { parkedUntil: iso(c.parkedUntil) } : {}),
          ...(c.lastError ? { lastError: errorView(c.lastError) } : {}),
        },
      ]),
    ),
  };
}

/** The operator and demo routes. */
export function opsRoutes(rc: RouteContext, metrics: AppMetrics): AnyRoute[] {
  const { health } = rc.deps;
  const directory = createTenantDirectory({ list: () => rc.deps.store.tenants.listTenants(), now: rc.now });

  function status(lag: FleetLag): HealthStatus['status'] {
    if (health.shuttingDown?.()) return 'down';
    const fleet = health.registry.fleet();
    // Not ready until the first reconcile brought the tenants up.
    if (fleet.lastReconcileAt === undefined) return 'down';
    if (fleet.lastReconcileError && fleet.lastReconcileError.at >= fleet.lastReconcileAt) return 'degraded';
    // Still serving (200), but collection runs late: more demand than this instance can serve.
    if (lag.behind) return 'behind';
    return 'ok';
  }

  return [
    defineRoute({
      method: 'get',
      path: '/ops/health',
      summary: 'Readiness: 200 when serving (ok, degraded, or behind its cadences), 503 when down; detail with the operator token',
      tag: 'operator',
      auth: 'public',
      responses: { 200: 'HealthStatus | HealthDetail', 503: 'HealthStatus | HealthDetail' },
      handler(ctx) {
        const lag = health.registry.lag();
        const current = status(lag);
        const answer = <T extends HealthStatus>(body: T) => (current === 'down' ? reply(503, body) : body);
        if (operatorStanding(ctx, rc.deps.operatorToken) !== 'granted') return answer({ status: current });
        const fleet = health.registry.fleet();
        const detail: HealthDetail = {
          status: current,
          fleet: {
            tenants: fleet.tenants,
            ...(fleet.lastReconcileAt !== undefined ? { lastReconcileAt: iso(fleet.lastReconcileAt) } : {}),
            ...(fleet.lastReconcileError ? { lastReconcileError: errorView(fleet.lastReconcileError) } : {}),
          },
          summary: health.registry.summary(),
          lag: lagView(lag),
          ...(health.leases ? { leases: leasesView(health.leases()) } : {}),
        };
        return answer(detail);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/ops/workers',
      summary: 'Tenants and collectors with names: state, restarts, last success and error, breakers, next run; search (q), sort, limit',
      tag: 'operator',
      auth: 'operator',
      query: workersQuerySchema,
      responses: { 200: 'WorkersResponse', 400: 'Problem', 401: 'Problem', 403: 'Problem' },
      async handler(_ctx, { query }) {
        const fleet = health.registry.fleet();
        const tenants = health.registry.list({ ...(query.tenant ? { tenantId: query.tenant } : {}), ...(query.state ? { state: query.state } : {}) });
        // Names are a convenience: if the listing fails, the workers still show, by id.
        const names = await directory.names().catch(() => new Map<string, TenantNames>());
        const views = tenants.map((tenant) => workerView(tenant, names.get(tenant.tenantId)));
        const matched = (query.q ? views.filter((w) => matches(w, query.q!)) : views).sort(compareWorkers(query.sort ?? 'state'));
        const body: WorkersResponse = {
          summary: health.registry.summary(),
          lag: lagView(health.registry.lag()),
          fleet: {
            tenants: fleet.tenants,
            ...(fleet.lastReconcileAt !== undefined ? { lastReconcileAt: iso(fleet.lastReconcileAt) } : {}),
            ...(fleet.lastReconcileError ? { lastReconcileError: { code: fleet.lastReconcileError.code, message: fleet.lastReconcileError.message, at: iso(fleet.lastReconcileError.at) ?? '' } } : {}),
          },
          total: matched.length,
          workers: matched.slice(0, query.limit ?? 200),
        };
        return body;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/ops/tenants/:id/restart',
      summary: 'Stop and start a tenant afresh (its restart counters reset)',
      tag: 'operator',
      auth: 'operator',
      params: idParams('tenant'),
      responses: { 202: 'RestartAccepted', 400: 'Problem (VALIDATION_FAILED)', 401: 'Problem', 403: 'Problem', 404: 'Problem (NOT_FOUND)' },
      async handler(ctx, { params: { id: tenantId } }) {
        if (!health.restartTenant(tenantId)) {
          throw clientError(404, 'NOT_FOUND', 'no such tenant running on this instance');
        }
        rc.deps.log.info({ tenant: tenantId }, 'operator restarted a tenant');
        await recordAudit(rc, tenantId, { action: 'operator.tenant_restarted', actor: { kind: 'operator' }, target: tenantId, ip: ctx.ip });
        return { status: 'restarting' as const, tenantId };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics (text exposition format)',
      tag: 'operator',
      auth: 'operator',
      responses: { 200: 'text/plain; version=0.0.4', 401: 'Problem', 403: 'Problem' },
      async handler(ctx) {
        ctx.type = metrics.registry.contentType;
        return metrics.registry.metrics();
      },
    }),
    defineRoute({
      method: 'get',
      path: '/dev/outbox',
      summary: 'Demo mode only: the emails the simulated SES captured (404 in production)',
      tag: 'meta',
      auth: 'public',
      responses: { 200: 'SentEmail[]', 403: 'Problem', 404: 'Problem' },
      handler(ctx) {
        const outbox = rc.deps.outbox;
        if (rc.deps.mode !== 'demo' || !outbox) throw clientError(404, 'NOT_FOUND', 'no such resource');
        // The outbox holds verification links: local clients, or the operator.
        if (!isLoopbackClient(ctx) && operatorStanding(ctx, rc.deps.operatorToken) !== 'granted') {
          throw clientError(403, 'FORBIDDEN', 'the outbox answers local clients or the operator only');
        }
        // A person opening the link in a browser gets the readable page (web: /outbox), which reads this JSON.
        if (ctx.accepts('json', 'html') === 'html') return redirect('/outbox');
        return outbox();
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/meta',
      summary: 'What the dashboard shows before anyone signs in: whether the service runs in demo mode, and the collectors',
      tag: 'meta',
      auth: 'public',
      responses: { 200: 'Meta' },
      handler() {
        const body: Meta = { mode: rc.deps.mode, collectors: COLLECTOR_LIST.map((d) => ({ name: d.kind, label: d.label, summary: d.summary, alerts: d.alerts })) };
        return body;
      },
    }),
  ];
}

/** The lease snapshot as the operator endpoint shows it (times as ISO strings). */
function leasesView(snapshot: LeaseSnapshot): LeasesView {
  const { lastRebalanceAt, ...rest } = snapshot;
  return { ...rest, ...(lastRebalanceAt !== undefined ? { lastRebalanceAt: new Date(lastRebalanceAt).toISOString() } : {}) };
}
