/**
 * Priority and impact score. One 0-100 scale sorts recommendations of every category together;
 * priority is read off it: high >= 70, medium >= 40, low below.
 */
import type { Priority } from './recommendation.js';
import type { RuleThresholds } from './rule-thresholds.js';
import { round } from './stats.js';

/** Score at which a recommendation becomes high priority. */
export const HIGH_SCORE = 70;
/** Score at which a recommendation becomes medium priority. */
export const MEDIUM_SCORE = 40;

/** The priority band of a score. */
export function priorityForScore(score: number): Priority {
  if (score >= HIGH_SCORE) return 'high';
  if (score >= MEDIUM_SCORE) return 'medium';
  return 'low';
}

/** A score with its priority. */
export interface Impact {
  priority: Priority;
  impactScore: number;
}

/** Wrap a score computed elsewhere (clamped to 0-100, two decimals). */
export function impactOfScore(score: number): Impact {
  const impactScore = round(Math.min(100, Math.max(0, score)));
  return { priority: priorityForScore(impactScore), impactScore };
}

/**
 * The impact of a monthly USD amount (a saving, an overrun). The priority comes from comparing
 * the amount with `priorityMediumUsd`/`priorityHighUsd` directly, so a figure exactly at a
 * threshold lands in the higher band; the score grows with the logarithm of the amount (a
 * $5,000 saving matters more than $500, but not ten times more for ordering), anchored at 40 for
 * the medium threshold and 70 for the high one, then clamped into its band so it never
 * contradicts the priority.
 */
export function impactOfMonthlyUsd(monthlyUsd: number, thresholds: RuleThresholds): Impact {
  const { priorityMediumUsd: medium, priorityHighUsd: high } = thresholds;
  const usd = Math.max(0, monthlyUsd);
  const curve =
    usd === 0 ? 0 : MEDIUM_SCORE + ((HIGH_SCORE - MEDIUM_SCORE) * Math.log10(usd / medium)) / Math.log10(high / medium);
  let score: number;
  if (usd >= high) score = Math.min(100, Math.max(HIGH_SCORE, curve));
  else if (usd >= medium) score = Math.min(HIGH_SCORE - 0.01, Math.max(MEDIUM_SCORE, curve));
  else score = Math.min(MEDIUM_SCORE - 0.01, Math.max(0, curve));
  const impactScore = round(score);
  return { priority: usd >= high ? 'high' : usd >= medium ? 'medium' : 'low', impactScore };
}
