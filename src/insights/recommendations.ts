/**
 * A tenant's current recommendations: computed by src/rules from the stored data
 * (`fullRuleInput`), merged with the statuses the user chose (kept in the store's
 * recommendations table). Reading them never writes; `refreshRecommendations` is the one
 * writer (the refresher after collection, and a PATCH of one not stored yet): it syncs the
 * computed set into the store, which keeps each one's category and priority.
 */
import { evaluateRules, type Recommendation } from '../rules/index.js';
import type { Recommendation as StoredRecommendation, RecommendationInput, RecommendationStatus } from '../store/index.js';
import { cachedRead, type InsightSources, type InsightTenant } from './insight-sources.js';
import { categoryOf, priorityOf, SEVERITY_OF_PRIORITY } from './recommendation-maps.js';
import { fullRuleInput } from './rule-input.js';

/** A recommendation with the user's status, as the API, the dashboard and the digest show it (the rule's id left out). */
export type CurrentRecommendation = Omit<Recommendation, 'rule' | 'evidence'> & {
  evidence: Record<string, string | number | boolean>;
  status: RecommendationStatus;
  updatedAt: string;
};

/** What the store keeps of a computed recommendation. */
function toInput(rec: Recommendation): RecommendationInput {
  const resourceId = rec.resources[0]?.id;
  return {
    id: rec.id,
    accountId: rec.accountId ?? '',
    rule: rec.rule,
    ...(resourceId !== undefined ? { resourceId } : {}),
    title: rec.title,
    detail: rec.summary,
    severity: SEVERITY_OF_PRIORITY[rec.priority],
    category: rec.category,
    priority: rec.priority,
    ...(rec.estimatedMonthlySavingUsd !== undefined ? { monthlySavingUsd: rec.estimatedMonthlySavingUsd } : {}),
    data: { ...rec.evidence },
  };
}

function view(rec: Recommendation, stored: StoredRecommendation | undefined, nowIso: string): CurrentRecommendation {
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
export function storedRecommendation(stored: StoredRecommendation): CurrentRecommendation {
  return {
    id: stored.id,
    category: categoryOf(stored),
    priority: priorityOf(stored),
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

/** The rules' recommendations for the tenant now, highest impact first. */
async function evaluate(sources: InsightSources, tenant: InsightTenant, signal?: AbortSignal): Promise<Recommendation[]> {
  return evaluateRules(await fullRuleInput(sources, tenant, signal), sources.thresholds);
}

/** The tenant's current recommendations with their statuses, highest impact first. Reads only. */
export function currentRecommendations(sources: InsightSources, tenant: InsightTenant, signal?: AbortSignal): Promise<CurrentRecommendation[]> {
  return cachedRead(
    sources,
    tenant.id,
    'recommendations:current',
    async (shared) => {
      const [computed, stored] = await Promise.all([evaluate(sources, tenant, shared), sources.recommendations.list(tenant.id, { includeInactive: true }, shared)]);
      const byId = new Map(stored.map((r) => [r.id, r]));
      const nowIso = new Date(sources.now()).toISOString();
      return computed.map((rec) => view(rec, byId.get(rec.id), nowIso));
    },
    signal,
  );
}

/**
 * Evaluate the rules and persist the result: new ones stored open, changed ones updated,
 * vanished ones inactive; statuses kept. Returns how many the rules produced.
 */
export async function refreshRecommendations(sources: InsightSources, tenant: InsightTenant): Promise<number> {
  // Straight from the store, not through the cache: what is persisted must be current.
  const { cached: _cached, ...uncached } = sources;
  const computed = await evaluate(uncached, tenant);
  await sources.recommendations.sync(tenant.id, computed.map(toInput));
  return computed.length;
}
