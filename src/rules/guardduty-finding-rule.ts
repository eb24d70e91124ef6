/** Open GuardDuty findings serious enough to act on. */
import { severityBand, type Finding } from '../domain/records.js';
import { impactOfScore } from './impact.js';
import { recommendationId, type Recommendation, type ResourceRef } from './recommendation.js';
import type { RuleThresholds } from './rule-thresholds.js';

/** Input of the findings rule, for one account. */
export interface GuardDutyFindingInput {
  accountId: string;
  findings: readonly Finding[];
}

/**
 * One recommendation per open (not archived) finding with severity at or above
 * `findingMinSeverity` (default 7, High and Critical). Per finding rather than grouped: each has
 * its own resource and its own lifecycle in GuardDuty (archived one at a time), a dismissal must
 * not hide a different finding, and GuardDuty already folds repeats of one issue into a single
 * finding with a `count`. The score is the severity times ten (High 70-89, Critical 90-100), so
 * findings sort by severity among the other recommendations.
 */
export function guardDutyFindingRule(input: GuardDutyFindingInput, thresholds: RuleThresholds): Recommendation[] {
  const recommendations: Recommendation[] = [];
  for (const finding of input.findings) {
    if (finding.archived || !(finding.severity >= thresholds.findingMinSeverity)) continue;
    const band = severityBand(finding.severity);
    const resources: ResourceRef[] = [{ type: 'guardduty-finding', id: finding.id, region: finding.region }];
    if (finding.resourceId) {
      resources.push({ type: finding.resourceType ?? 'resource', id: finding.resourceId, region: finding.region });
    }
    recommendations.push({
      id: recommendationId('guardduty-finding', [input.accountId, finding.region, finding.detectorId, finding.id]),
      rule: 'guardduty-finding',
      category: 'security',
      ...impactOfScore(finding.severity * 10),
      accountId: input.accountId,
      resources,
      evidence: {
        severity: finding.severity,
        band,
        type: finding.type,
        count: finding.count,
        region: finding.region,
        updatedAt: finding.updatedAt,
      },
      title: `Address ${band} GuardDuty finding: ${finding.title}`,
      summary: finding.description,
    });
  }
  return recommendations;
}
