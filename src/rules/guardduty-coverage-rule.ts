/** Monitored regions where GuardDuty is not enabled: a blind spot. */
import { impactOfScore } from './impact.js';
import { recommendationId, type Recommendation } from './recommendation.js';

/** Input of the coverage rule, for one account. */
export interface GuardDutyCoverageInput {
  accountId: string;
  /** Monitored regions where ListDetectors returned none. */
  regionsWithoutDetector: readonly string[];
}

/**
 * Score of a missing detector: medium (65). A gap in coverage is not evidence of an attack, so it
 * ranks below open High findings, but above most cost advice.
 */
const COVERAGE_SCORE = 65;

/** One recommendation per monitored region without a GuardDuty detector. */
export function guardDutyCoverageRule(input: GuardDutyCoverageInput): Recommendation[] {
  return [...new Set(input.regionsWithoutDetector)].sort().map((region) => ({
    id: recommendationId('guardduty-disabled', [input.accountId, region]),
    rule: 'guardduty-disabled',
    category: 'security',
    ...impactOfScore(COVERAGE_SCORE),
    accountId: input.accountId,
    resources: [{ type: 'guardduty-detector', id: region, region }],
    evidence: { region, detector: false },
    title: `Enable GuardDuty in ${region}`,
    summary: `GuardDuty has no detector in ${region}, a region this account is monitored in, so threats there go unseen.`,
  }));
}
