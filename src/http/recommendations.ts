/**
 * Recommendations: computed by src/rules from the stored data, then synced into the store's
 * recommendations table, which keeps the user's decisions (a dismissed one stays dismissed
 * when the rules produce it again). The view merges the rule's fresh content with the stored
 * status.
 */
import { regionsWithoutDetector } from '../domain/run-steps.js';
import { ec2InstancesFromSeries, evaluateRules, RULE_SERIES, type AccountRuleData, type Recommendation } from '../rules/index.js';
import type { Recommendation as StoredRecommendation, RecommendationInput } from '../store/index.js';
import type { RecommendationView } from './api-types.js';
import type { RouteContext } from './route-context.js';
import type { TenantView } from './tenant-view.js';
import { DAY_MS, forecasts, openFindings, recentCosts, stateSnapshot } from './tenant-data.js';

const SEVERITY_OF: Record<Recommendation['priority'], RecommendationInput['severity']> = { high: 'critical', medium: 'warning', low: 'info' };
const PRIORITY_OF: Record<RecommendationInput['severity'], Recommendation['priority']> = { critical: 'high', warning: 'medium', info: 'low' };
const CATEGORY_OF: Record<string, RecommendationView['category']> = {
  'ec2-rightsize': 'cost',
  'ce-rightsizing': 'cost',
  'cost-spike': 'cost',
  'budget-forecast': 'cost',
  'ec2-hot': 'performance',
  'guardduty-finding': 'security',
  'guardduty-disabled': 'security',
  'sqs-queue-age': 'reliability',
  'dynamodb-throttle': 'performance',
  'lambda-error-rate': 'reliability',
};

/** What the rules need, read from the store. */
async function ruleInput(rc: RouteContext, tenant: TenantView): Promise<AccountRuleData[]> {
  const now = rc.now();
  const tenantId = tenant.id;
  // The EC2 rules look at up to 14 whole days before today.
  const from = new Date(now - 16 * DAY_MS).toISOString();
  const to = new Date(now).toISOString();
  const [costs, allForecasts, rightsizing, snapshot, findings] = await Promise.all([
    recentCosts(rc, tenantId),
    forecasts(rc, tenantId),
    rc.cached(tenantId, 'costs:rightsizing', () => rc.deps.store.costs.rightsizing(tenantId)),
    stateSnapshot(rc, tenantId),
    openFindings(rc, tenantId, ['high', 'critical']),
  ]);
  return Promise.all(
    tenant.accounts.map(async (account): Promise<AccountRuleData> => {
      const series = await rc.cached(tenantId, `metrics:ec2cpu:${account.id}:${from.slice(0, 13)}`, () =>
        rc.deps.store.metrics.query(tenantId, { accountId: account.id, namespace: 'AWS/EC2', metricName: 'CPUUtilization', from, to }),
      );
      // The service rules' series (SQS age, DynamoDB throttling, Lambda errors), each over the days its rule needs.
      const ruleSeries = await Promise.all(
        RULE_SERIES.map((r) => {
          const since = new Date(now - r.days * DAY_MS).toISOString();
          return rc.cached(tenantId, `metrics:rule:${account.id}:${r.namespace}:${r.metricName}:${to.slice(0, 15)}`, () =>
            rc.deps.store.metrics.query(tenantId, { accountId: account.id, namespace: r.namespace, metricName: r.metricName, from: since, to }),
          );
        }),
      );
      const forecast = allForecasts.find((f) => f.accountId === account.id);
      const security = snapshot.runs.find((run) => run.accountId === account.id && run.collector === 'security');
      return {
        accountId: account.id,
        instances: ec2InstancesFromSeries(series),
        dailyCosts: costs.rows.filter((row) => row.accountId === account.id).map(({ day, service, amountUsd }) => ({ day, service, amountUsd })),
        ...(forecast ? { forecast: { start: forecast.start, end: forecast.end, meanUsd: forecast.meanUsd } } : {}),
        rightsizing: rightsizing.filter((r) => r.accountId === account.id),
        findings: findings.filter((f) => f.accountId === account.id),
        regionsWithoutDetector: regionsWithoutDetector(security),
        series: ruleSeries.flat(),
      };
    }),
  );
}

function toInput(rec: Recommendation): RecommendationInput {
  const resourceId = rec.resources[0]?.id;
  return {
    id: rec.id,
    accountId: rec.accountId ?? '',
    rule: rec.rule,
    ...(resourceId !== undefined ? { resourceId } : {}),
    title: rec.title,
    detail: rec.summary,
    severity: SEVERITY_OF[rec.priority],
    ...(rec.estimatedMonthlySavingUsd !== undefined ? { monthlySavingUsd: rec.estimatedMonthlySavingUsd } : {}),
    data: { ...rec.evidence },
  };
}

function view(rec: Recommendation, stored: StoredRecommendation | undefined, nowIso: string): RecommendationView {
  return {
    id: rec.id,
    category: rec.category,
    priority: rec.priority,
    impactScore: rec.impactScore,
    title: rec.title,
    summary: rec.summary,
    ...(rec.estimatedMonthlySavingUsd !== undefined ? { estimatedMonthlySavingUsd: rec.estimatedMonthlySavingUsd } : {}),
    ...(rec.accountId !== undefined ? { accountId: rec.accountId } : {}),
    resources: rec.resources.map((r) => ({ ...r })),
    evidence: { ...rec.evidence },
    status: stored?.status ?? 'open',
    updatedAt: stored?.statusChangedAt ?? stored?.lastSeenAt ?? nowIso,
  };
}

/** A stored recommendation the rules no longer produce, as well as the store remembers it. */
export function storedView(stored: StoredRecommendation): RecommendationView {
  return {
    id: stored.id,
    category: CATEGORY_OF[stored.rule] ?? 'cost',
    priority: PRIORITY_OF[stored.severity] ?? 'low',
    impactScore: 0,
    title: stored.title,
    summary: stored.detail,
    ...(stored.monthlySavingUsd !== undefined ? { estimatedMonthlySavingUsd: stored.monthlySavingUsd } : {}),
    ...(stored.accountId ? { accountId: stored.accountId } : {}),
    resources: stored.resourceId ? [{ type: 'resource', id: stored.resourceId }] : [],
    evidence: { ...stored.data },
    status: stored.status,
    updatedAt: stored.statusChangedAt ?? stored.lastSeenAt,
  };
}

/** The tenant's current recommendations with their statuses, highest impact first. */
export async function currentRecommendations(rc: RouteContext, tenant: TenantView): Promise<RecommendationView[]> {
  return rc.cached(tenant.id, 'recommendations', async () => {
    const now = rc.now();
    const settings = tenant.settings;
    const computed = evaluateRules({
      now: new Date(now),
      accounts: await ruleInput(rc, tenant),
      ...(settings.monthlyBudgetUsd && settings.monthlyBudgetUsd > 0 ? { monthlyBudgetUsd: settings.monthlyBudgetUsd } : {}),
    });
    const store = rc.deps.store.recommendations;
    // Upserts new or changed ones, keeps statuses, marks vanished ones inactive; unchanged ones cost a read.
    await store.sync(tenant.id, computed.map(toInput));
    const stored = new Map((await store.list(tenant.id, { includeInactive: true })).map((r) => [r.id, r]));
    const nowIso = new Date(now).toISOString();
    return computed.map((rec) => view(rec, stored.get(rec.id), nowIso));
  });
}
