/**
 * The category and priority of a recommendation, and how they map to the store's severity: the
 * only copy. Rules set both on what they produce and the store keeps them; these maps fill them
 * in for records stored before it did.
 */
import type { Priority, RecommendationCategory, RuleId } from '../rules/index.js';
import type { Recommendation as StoredRecommendation, RecommendationInput } from '../store/index.js';

/** Each rule's category (what its recommendations are about). */
export const CATEGORY_OF_RULE: Readonly<Record<RuleId, RecommendationCategory>> = {
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

/** The store's severity of a priority (the severity is what older readers of the table know). */
export const SEVERITY_OF_PRIORITY: Readonly<Record<Priority, RecommendationInput['severity']>> = { high: 'critical', medium: 'warning', low: 'info' };

const PRIORITY_OF_SEVERITY: Readonly<Record<RecommendationInput['severity'], Priority>> = { critical: 'high', warning: 'medium', info: 'low' };

/** Rank for sorting, most urgent first. */
export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { high: 0, medium: 1, low: 2 };

/** The category of a stored recommendation (its own, or its rule's for an old record). */
export function categoryOf(stored: Pick<StoredRecommendation, 'rule' | 'category'>): RecommendationCategory {
  return stored.category ?? CATEGORY_OF_RULE[stored.rule as RuleId] ?? 'cost';
}

/** The priority of a stored recommendation (its own, or its severity's for an old record). */
export function priorityOf(stored: Pick<StoredRecommendation, 'severity' | 'priority'>): Priority {
  return stored.priority ?? PRIORITY_OF_SEVERITY[stored.severity] ?? 'low';
}
