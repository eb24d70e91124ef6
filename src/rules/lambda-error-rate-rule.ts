/** Lambda functions whose error rate climbs: peers flag an error rate above 10 % on any of the last 7 days. */
import type { MetricSeries } from '../domain/records.js';
import { impactOfScore } from './impact.js';
import { recommendationId, type Recommendation } from './recommendation.js';
import { pointsByResource } from './resource-series.js';
import type { RuleThresholds } from './rule-thresholds.js';
import { round } from './stats.js';
import { daysBefore, utcDay, utcDayOf } from './utc-day.js';

/** Input of the error-rate rule, for one account. */
export interface LambdaErrorRateInput {
  accountId: string;
  now: Date;
  /** Collected series; the rule reads AWS/Lambda Errors and Invocations (Sum). */
  series: readonly MetricSeries[];
}

function perDay(points: readonly { t: string; v: number }[], days: ReadonlySet<string>): Map<string, number> {
  const sums = new Map<string, number>();
  for (const p of points) {
    const day = utcDayOf(p.t);
    if (day !== undefined && days.has(day)) sums.set(day, (sums.get(day) ?? 0) + p.v);
  }
  return sums;
}

/**
 * Flag a function when, on any of the last `lambdaLookbackDays` whole UTC days with at least
 * `lambdaMinInvocations` invocations, Errors / Invocations was strictly above
 * `lambdaErrorRatePct`. The minimum keeps one failed call of a rarely used function from reading
 * as a 100 % error rate. The worst day is the evidence; the score rises with its rate.
 */
export function lambdaErrorRateRule(input: LambdaErrorRateInput, thresholds: RuleThresholds): Recommendation[] {
  const days = new Set(daysBefore(utcDay(input.now), thresholds.lambdaLookbackDays));
  const errors = new Map(pointsByResource(input.series, 'AWS/Lambda', 'Errors').map((r) => [JSON.stringify([r.region, r.resourceId]), r]));
  const out: Recommendation[] = [];
  for (const fn of pointsByResource(input.series, 'AWS/Lambda', 'Invocations')) {
    const failed = perDay(errors.get(JSON.stringify([fn.region, fn.resourceId]))?.points ?? [], days);
    let worst: { day: string; ratePct: number; invocations: number; errors: number } | undefined;
    for (const [day, invocations] of perDay(fn.points, days)) {
      if (invocations < thresholds.lambdaMinInvocations) continue;
      const errorCount = failed.get(day) ?? 0;
      const ratePct = (100 * errorCount) / invocations;
      if (ratePct > thresholds.lambdaErrorRatePct && (!worst || ratePct > worst.ratePct)) worst = { day, ratePct, invocations, errors: errorCount };
    }
    if (!worst) continue;
    out.push({
      id: recommendationId('lambda-error-rate', [input.accountId, fn.region, fn.resourceId]),
      rule: 'lambda-error-rate',
      category: 'reliability',
      ...impactOfScore(Math.min(90, 45 + worst.ratePct / 2)),
      accountId: input.accountId,
      resources: [{ type: 'lambda-function', id: fn.resourceId, region: fn.region }],
      evidence: {
        worstDay: worst.day,
        errorRatePct: round(worst.ratePct, 1),
        errors: Math.round(worst.errors),
        invocations: Math.round(worst.invocations),
        thresholdPct: thresholds.lambdaErrorRatePct,
        lookbackDays: thresholds.lambdaLookbackDays,
      },
      title: `Lambda function ${fn.resourceId} fails often`,
      summary: `${round(worst.ratePct, 1)}% of its invocations failed on ${worst.day} (above ${thresholds.lambdaErrorRatePct}%). Read its logs for the errors; retries of failed asynchronous calls add cost.`,
    });
  }
  return out;
}
