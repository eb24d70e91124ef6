/**
 * GET /api/overview: per account its health (CloudWatch alarm states), collectors, open
 * findings by band and cost; the top open recommendations; and what the monitoring itself
 * costs the tenant this month.
 */
import { LRUCache } from 'lru-cache';
import type { CollectorHealth, ErrorInfo, TenantHealth, WorkerHealthView } from '../domain/worker-health.js';
import { estimateFeeUsd, stepAdvice } from '../aws/index.js';
import { COLLECTOR_KINDS, meterShapeOf, monitoringPlan } from '../collectors/index.js';
import type { HealthEvent } from '../domain/records.js';
import { alarmEpisodes } from '../rules/index.js';
import type { AccountOverview, AlarmEpisodeView, CollectorName, CollectorStatus, ComplianceView, HealthEventView, MonitoringCost, Overview, StepView } from './api-types.js';
import type { ComplianceSnapshot, RunRecord } from '../store/index.js';
import { currentRecommendations } from './recommendations.js';
import type { RouteContext } from './route-context.js';
import { monthForecastUsd, monthToDateUsd } from '../insights/index.js';
import { DAY_MS, dayOf, findingCounts, forecasts, monthStartOf, recentCosts, stateSnapshot, usd } from './tenant-data.js';
import type { TenantView } from './tenant-view.js';
import { accountView } from './views.js';

const MAX_ALARMS_SHOWN = 50;
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** A collector's status for one account: the live state from the runtime, the steps from the store. */
export function collectorStatus(kind: CollectorName, health: CollectorHealth | undefined, accountId: string, run: RunRecord | undefined): CollectorStatus {
  // Only this account's failure in the latest run (or the run's own), never a sibling account's.
  const lastError = health?.accountErrors ? (health.accountErrors[accountId] ?? health.accountErrors['*']) : health?.lastError;
  const steps = (run?.steps ?? []).map((step): StepView => {
    const advice = stepAdvice(kind, step, step.error);
    return {
      step: step.step,
      operation: step.operation,
      ...(step.region ? { region: step.region } : {}),
      state: advice.state,
      lastAttemptAt: step.lastAttemptAt,
      ...(step.lastSuccessAt ? { lastSuccessAt: step.lastSuccessAt } : {}),
      ...(step.error ? { error: { ...step.error } } : {}),
      ...(advice.remedy ? { remedy: advice.remedy } : {}),
      ...(advice.consoleUrl ? { consoleUrl: advice.consoleUrl } : {}),
    };
  });
  return {
    // No entry: this instance does not run the tenant (another holds its lease) or it has not started.
    state: health?.state ?? 'unknown',
    ...(run?.lastSuccessAt ? { lastSuccessAt: run.lastSuccessAt } : {}),
    ...(run?.lastDataAt ? { lastDataAt: run.lastDataAt } : {}),
    ...(run?.lastRunAt ? { lastRunAt: run.lastRunAt } : {}),
    ...(health?.nextRunAt !== undefined ? { nextRunAt: iso(health.nextRunAt) } : {}),
    ...(lastError
      ? { lastError: { kind: lastError.kind, code: lastError.code, ...(lastError.action ? { action: lastError.action } : {}), message: lastError.message, at: iso(lastError.at) ?? '' } }
      : {}),
    steps,
  };
}

const errorVersion = (e: ErrorInfo | undefined): string => (e ? `${e.at}\u0001${e.kind}\u0001${e.code}\u0001${e.action ?? ''}\u0001${e.message}` : '');

/**
 * A version of what `collectorStatus` reads from the runtime (state, next run, errors): it
 * changes when the overview's live parts do, so a rendered overview is rebuilt then. Keep the
 * two together. Per collector, not the whole tenant's snapshot: it runs on every request.
 */
export function liveVersionOf(registry: Pick<WorkerHealthView, 'collector'>, tenantId: string): string {
  let version = '';
  for (const kind of COLLECTOR_KINDS) {
    const c = registry.collector(tenantId, kind);
    if (c) {
      version += `${c.state}\u0002${c.nextRunAt}\u0002${errorVersion(c.lastError)}`;
      if (c.accountErrors) for (const [account, error] of Object.entries(c.accountErrors)) version += `\u0002${account}\u0002${errorVersion(error)}`;
    }
    version += '\u0003';
  }
  return version;
}

/**
 * `liveVersionOf` read at most once per `maxAgeMs` (default 250 ms, by `now`) per tenant: the
 * registry answers with copies, and copying five collectors on every request of a busy
 * dashboard cost more than the rest of a cached answer. So a collector's new state shows in the
 * rendered overview at most that late.
 */
export function liveVersions(registry: Pick<WorkerHealthView, 'collector'>, now: () => number, maxAgeMs = 250): (tenantId: string) => string {
  const seen = new LRUCache<string, { at: number; version: string }>({ max: 10_000 });
  return (tenantId) => {
    const t = now();
    const hit = seen.get(tenantId);
    if (hit && t >= hit.at && t - hit.at < maxAgeMs) return hit.version;
    const version = liveVersionOf(registry, tenantId);
    seen.set(tenantId, { at: t, version });
    return version;
  };
}

const MAX_EVENTS_SHOWN = 20;

/** AWS Health events as the overview shows them, each linked to the AWS Health Dashboard. */
export function healthEventViews(events: readonly HealthEvent[]): HealthEventView[] {
  return events.slice(0, MAX_EVENTS_SHOWN).map((e) => ({
    ...e,
    affectedEntities: [...e.affectedEntities],
    consoleUrl: `https://health.aws.amazon.com/health/home#/account/event-log?eventID=${encodeURIComponent(e.arn)}`,
  }));
}

/** Security Hub standards with their score, failed controls linked to the console (Security Hub > Controls). */
export function complianceViews(snapshots: readonly ComplianceSnapshot[]): ComplianceView[] {
  return snapshots
    .flatMap((snap) =>
      snap.standards.map((st) => ({
        region: st.region,
        standardsArn: st.standardsArn,
        name: st.name,
        totalControls: st.totalControls,
        passedControls: st.passedControls,
        scorePct: st.totalControls === 0 ? null : Math.round((100 * st.passedControls) / st.totalControls),
        failedControls: st.failedControls.map((c) => ({
          controlId: c.controlId,
          title: c.title,
          severity: c.severity,
          ...(c.remediationUrl ? { remediationUrl: c.remediationUrl } : {}),
          consoleUrl: `https://${st.region}.console.aws.amazon.com/securityhub/home?region=${st.region}#/controls/${encodeURIComponent(c.controlId)}`,
          resources: [...c.resources],
        })),
        collectedAt: snap.collectedAt,
      })),
    )
    .sort((a, b) => a.name.localeCompare(b.name) || a.region.localeCompare(b.region));
}

/** What monitoring costs the tenant this month, projected to the month's end at the current pace. */
export async function monitoringCost(rc: RouteContext, tenant: TenantView, signal?: AbortSignal): Promise<MonitoringCost> {
  const tenantId = tenant.id;
  const now = rc.now();
  // The plan: the tiers of every account's series, as its last full metrics run found them.
  const shapes = await Promise.all(
    tenant.accounts.map(async (account) =>
      meterShapeOf(account.id, await rc.cached(tenantId, `metrics:catalog:${account.id}`, (shared) => rc.deps.store.metrics.catalog(tenantId, account.id, shared), signal)),
    ),
  );
  const plan = monitoringPlan(shapes, tenant.settings.monitoringCapUsd);
  const month = dayOf(now).slice(0, 7);
  // Through the cache: the ledger is read once per tenant and TTL, not on every overview request.
  const counts = await rc.cached(tenantId, `billing:usage:${month}`, async () => rc.deps.billing.usage(tenantId, month));
  const fee = estimateFeeUsd(counts);
  const start = monthStartOf(now);
  const next = new Date(start);
  next.setUTCMonth(next.getUTCMonth() + 1);
  // At least one day elapsed: a projection from the first hours of a month would be noise.
  const elapsed = Math.max(now - start, DAY_MS);
  return {
    month,
    costExplorerRequests: counts.costExplorerRequests,
    getMetricDataMetrics: counts.getMetricDataMetrics,
    estimatedFeeUsd: fee,
    projectedFeeUsd: usd((fee * (next.getTime() - start)) / elapsed),
    capUsd: plan.capUsd,
    defaultFeeUsd: usd(plan.defaultFee.totalUsd),
    plannedFeeUsd: usd(plan.plannedFee.totalUsd),
    stretch: plan.stretch,
    freshness: plan.freshness,
  };
}

/** Build the overview of a tenant. `signal`: the request's, passed to the store reads. */
export async function buildOverview(rc: RouteContext, tenant: TenantView, signal?: AbortSignal): Promise<Overview> {
  const now = rc.now();
  const health: TenantHealth | undefined = rc.deps.health.registry.get(tenant.id);
  const [snapshot, counts, costs, allForecasts, recommendations, cost] = await Promise.all([
    stateSnapshot(rc, tenant.id, signal),
    findingCounts(rc, tenant.id, signal),
    recentCosts(rc, tenant.id, signal),
    forecasts(rc, tenant.id, signal),
    // The overview still answers when the recommendations cannot be computed (not when the request left).
    currentRecommendations(rc, tenant, signal).catch((error: unknown) => {
      if (signal?.aborted) throw error;
      rc.deps.log.warn({ err: error, tenant: tenant.id }, 'recommendations unavailable for the overview');
      return [];
    }),
    monitoringCost(rc, tenant, signal),
  ]);
  const alarmHistory = await alarmHistoryOf(rc, tenant, now, signal);
  const accounts = tenant.accounts.map((account): AccountOverview => {
    const alarms = snapshot.alarms.filter((s) => s.accountId === account.id).flatMap((s) => s.alarms);
    const byState = { OK: 0, ALARM: 0, INSUFFICIENT_DATA: 0 };
    for (const alarm of alarms) byState[alarm.state] += 1;
    const notOk = alarms.filter((a) => a.state !== 'OK');
    const shown = [...notOk, ...alarms.filter((a) => a.state === 'OK')].slice(0, MAX_ALARMS_SHOWN);
    const rows = costs.rows.filter((row) => row.accountId === account.id);
    const forecast = allForecasts.find((f) => f.accountId === account.id);
    const monthToDate = monthToDateUsd(rows, now);
    const forecastMonth = monthForecastUsd([{ dailyCosts: rows, forecast }], now);
    const runs = snapshot.runs.filter((run) => run.accountId === account.id);
    const collectors = Object.fromEntries(
      COLLECTOR_KINDS.map((kind) => [kind, collectorStatus(kind, health?.collectors[kind], account.id, runs.find((run) => run.collector === kind))]),
    ) as Record<CollectorName, CollectorStatus>;
    return {
      account: accountView(account, tenant.createdAt),
      healthEvents: healthEventViews(snapshot.health.find((h) => h.accountId === account.id)?.events ?? []),
      compliance: complianceViews(snapshot.compliance.filter((c) => c.accountId === account.id)),
      health: {
        ok: byState.OK,
        alarm: byState.ALARM,
        insufficientData: byState.INSUFFICIENT_DATA,
        alarms: shown.map((a) => ({
          name: a.name,
          region: a.region,
          state: a.state,
          ...(a.reason ? { reason: a.reason } : {}),
          ...(a.namespace ? { namespace: a.namespace } : {}),
          ...(a.metricName ? { metricName: a.metricName } : {}),
          ...(a.comparison ? { comparison: a.comparison } : {}),
          ...(a.threshold !== undefined ? { threshold: a.threshold } : {}),
          ...(a.statistic ? { statistic: a.statistic } : {}),
          ...(a.dimensions ? { dimensions: a.dimensions } : {}),
        })),
      },
      collectors,
      findingsBySeverity: counts.get(account.id) ?? { low: 0, medium: 0, high: 0, critical: 0 },
      cost: { monthToDateUsd: usd(monthToDate), forecastMonthUsd: forecastMonth === null ? null : usd(forecastMonth), currency: 'USD' },
    };
  });
  return {
    generatedAt: new Date(now).toISOString(),
    accounts,
    topRecommendations: recommendations.filter((r) => r.status === 'open').slice(0, 5),
    monitoringCost: cost,
    alarmHistory,
  };
}

/** How far back the overview's alarm history looks. */
const ALARM_HISTORY_WINDOW_MS = 7 * DAY_MS;
const HOUR_MS = 3_600_000;

/** The tenant's alarm firings of the last week from the stored transitions (tenant-scoped Query); empty when unreadable. */
async function alarmHistoryOf(rc: RouteContext, tenant: TenantView, now: number, signal?: AbortSignal): Promise<AlarmEpisodeView[]> {
  const store = rc.deps.store.alarmHistory;
  if (!store) return [];
  try {
    // Transitions from before the window still open an episode that lasts into it: read a day more.
    // From the start of an hour, so one cached read serves every request of that hour (a
    // recorded transition drops it: the store's alarm history invalidates `state`).
    const since = Math.floor((now - ALARM_HISTORY_WINDOW_MS - DAY_MS) / HOUR_MS) * HOUR_MS;
    const transitions = await rc.cached(tenant.id, `alarms:history:${since}`, (shared) => store.list(tenant.id, since, shared), signal);
    const names = new Map(tenant.accounts.map((a) => [a.id, a.name]));
    return alarmEpisodes(transitions, now)
      .filter((e) => names.has(e.accountId) && (e.endedAt === undefined || Date.parse(e.endedAt) >= now - ALARM_HISTORY_WINDOW_MS))
      .map((e) => ({ ...e, accountName: names.get(e.accountId)! }));
  } catch (error) {
    if (signal?.aborted) throw error;
    rc.deps.log.warn({ err: error, tenant: tenant.id }, 'alarm history unavailable for the overview');
    return [];
  }
}
