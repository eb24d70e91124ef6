/** Cost Explorer's own rightsizing recommendations, surfaced with their savings. */
import type { RightsizingRecommendation } from '../domain/records.js';
import { impactOfMonthlyUsd } from './impact.js';
import { recommendationId, type Recommendation } from './recommendation.js';
import type { RuleThresholds } from './rule-thresholds.js';
import { round } from './stats.js';
import { usdText } from './usd-text.js';

/** Input of the rightsizing rule, for one account. */
export interface RightsizingInput {
  accountId: string;
  rightsizing: readonly RightsizingRecommendation[];
}

/**
 * One recommendation per instance Cost Explorer suggests modifying or terminating, when its
 * saving is strictly above `rightsizingMinSavingUsd`. The id is per instance, not per target
 * type, so a dismissal survives Cost Explorer changing its mind about the size.
 */
export function rightsizingRule(input: RightsizingInput, thresholds: RuleThresholds): Recommendation[] {
  const seen = new Set<string>();
  const recommendations: Recommendation[] = [];
  for (const r of input.rightsizing) {
    if (!Number.isFinite(r.monthlySavingUsd) || r.monthlySavingUsd <= thresholds.rightsizingMinSavingUsd) continue;
    const id = recommendationId('ce-rightsizing', [input.accountId, r.resourceId]);
    if (seen.has(id)) continue;
    seen.add(id);
    const saving = round(r.monthlySavingUsd);
    const from = r.currentType ? ` (${r.currentType})` : '';
    const modify = r.action === 'Modify';
    recommendations.push({
      id,
      rule: 'ce-rightsizing',
      category: 'cost',
      ...impactOfMonthlyUsd(saving, thresholds),
      estimatedMonthlySavingUsd: saving,
      accountId: input.accountId,
      resources: [{ type: 'ec2-instance', id: r.resourceId, ...(r.region ? { region: r.region } : {}) }],
      evidence: {
        action: r.action,
        monthlySavingUsd: saving,
        ...(r.currentType ? { currentType: r.currentType } : {}),
        ...(r.targetType ? { targetType: r.targetType } : {}),
        source: 'cost-explorer',
      },
      title: modify
        ? `Resize EC2 instance ${r.resourceId}${from}${r.targetType ? ` to ${r.targetType}` : ''}`
        : `Terminate EC2 instance ${r.resourceId}${from}`,
      summary: `Cost Explorer's rightsizing analysis estimates a saving of ${usdText(saving)} a month.`,
    });
  }
  return recommendations;
}
