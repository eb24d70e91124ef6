/** DynamoDB tables that throttle requests: the application sees errors and retries. */
import type { MetricSeries } from '../domain/records.js';
import { impactOfScore } from './impact.js';
import { recommendationId, type Recommendation } from './recommendation.js';
import { pointsByResource } from './resource-series.js';
import type { RuleThresholds } from './rule-thresholds.js';

/** Input of the throttling rule, for one account. */
export interface DynamoThrottleInput {
  accountId: string;
  now: Date;
  /** Collected series; the rule reads AWS/DynamoDB ThrottledRequests (Sum, per Operation). */
  series: readonly MetricSeries[];
}

/**
 * Flag a table whose ThrottledRequests, summed over its operations and the last
 * `dynamoThrottleLookbackHours`, are strictly above `dynamoThrottledRequestsMax`. A throttled
 * request is one the application had to retry or lost (AWS: "Diagnosing throttling"), so the
 * score rises with the count: medium at the threshold, high from 100 times it.
 */
export function dynamoThrottleRule(input: DynamoThrottleInput, thresholds: RuleThresholds): Recommendation[] {
  const now = input.now.getTime();
  const since = now - thresholds.dynamoThrottleLookbackHours * 3_600_000;
  const out: Recommendation[] = [];
  for (const table of pointsByResource(input.series, 'AWS/DynamoDB', 'ThrottledRequests')) {
    const recent = table.points.filter((p) => Date.parse(p.t) >= since && Date.parse(p.t) < now);
    const throttled = recent.reduce((sum, p) => sum + p.v, 0);
    if (recent.length === 0 || throttled <= thresholds.dynamoThrottledRequestsMax) continue;
    const ratio = throttled / Math.max(1, thresholds.dynamoThrottledRequestsMax);
    out.push({
      id: recommendationId('dynamodb-throttle', [input.accountId, table.region, table.resourceId]),
      rule: 'dynamodb-throttle',
      category: 'performance',
      ...impactOfScore(Math.min(85, 45 + 12.5 * Math.log10(Math.max(1, ratio)))),
      accountId: input.accountId,
      resources: [{ type: 'dynamodb-table', id: table.resourceId, region: table.region }],
      evidence: { throttledRequests: Math.round(throttled), thresholdRequests: thresholds.dynamoThrottledRequestsMax, lookbackHours: thresholds.dynamoThrottleLookbackHours },
      title: `DynamoDB table ${table.resourceId} throttles requests`,
      summary: `${Math.round(throttled)} requests were throttled in the last ${thresholds.dynamoThrottleLookbackHours} h. Raise its provisioned capacity or switch it to on-demand, and spread hot partition keys.`,
    });
  }
  return out;
}
