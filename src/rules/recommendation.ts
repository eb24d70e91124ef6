/**
 * What a rule produces. A recommendation is plain data: the store persists it, the API shows
 * it, the digest lists it. Its `id` is derived from its subject so that a status the tenant
 * stored against it ("dismissed") still applies when the same rule fires again next run.
 */
import { createHash } from 'node:crypto';

/** The rules this folder ships; part of every id, so renaming one resets stored statuses. */
export type RuleId =
  | 'ec2-rightsize'
  | 'ec2-hot'
  | 'cost-spike'
  | 'budget-forecast'
  | 'ce-rightsizing'
  | 'guardduty-finding'
  | 'guardduty-disabled'
  | 'sqs-queue-age'
  | 'dynamodb-throttle'
  | 'lambda-error-rate';

export type RecommendationCategory = 'cost' | 'performance' | 'security' | 'reliability';

export type Priority = 'high' | 'medium' | 'low';

/** A resource a recommendation concerns. */
export interface ResourceRef {
  /** e.g. `ec2-instance`, `aws-service`, `guardduty-finding`, `guardduty-detector`, `budget`. */
  type: string;
  id: string;
  region?: string;
}

/** The figures that triggered a recommendation, flat so the API and the digest can show them as-is. */
export type Evidence = Readonly<Record<string, string | number | boolean>>;

/** One recommendation. Rules never read the clock, so the same input always gives the same list. */
export interface Recommendation {
  /** Stable for the same subject across runs: `<rule>-<24 hex>`. */
  id: string;
  rule: RuleId;
  category: RecommendationCategory;
  priority: Priority;
  /** 0-100, for sorting across categories; consistent with `priority` (high >= 70, medium >= 40). */
  impactScore: number;
  /** Estimated USD saved per month by acting; absent when the action saves nothing or is unknown. */
  estimatedMonthlySavingUsd?: number;
  /** Our id of the AWS account it concerns; absent for tenant-wide ones (the budget). */
  accountId?: string;
  resources: ResourceRef[];
  evidence: Evidence;
  title: string;
  summary: string;
}

/**
 * The deterministic id of a recommendation about a subject. The parts are JSON-encoded before
 * hashing so that no choice of separator lets two different subjects collide ("a:b" + "c" vs
 * "a" + "b:c"); the hash keeps ids URL-safe whatever AWS puts in a name.
 */
export function recommendationId(rule: RuleId, subject: readonly string[]): string {
  const digest = createHash('sha256').update(JSON.stringify([rule, ...subject])).digest('hex');
  return `${rule}-${digest.slice(0, 24)}`;
}

/** Order for display: highest impact first, then by id so ties are stable. */
export function compareRecommendations(a: Recommendation, b: Recommendation): number {
  return b.impactScore - a.impactScore || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
