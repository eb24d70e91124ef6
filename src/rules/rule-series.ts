/** The collected series the service rules read, and how far back each is needed; the store reads these for `AccountRuleData.series`. */

/** One metric a rule reads, with the days of history it needs before now. */
export interface RuleSeries {
  namespace: string;
  metricName: string;
  days: number;
}

/** SQS age (its window is minutes), DynamoDB throttling (24 h) and Lambda errors (7 whole days + today). */
export const RULE_SERIES: readonly RuleSeries[] = [
  { namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', days: 1 },
  { namespace: 'AWS/DynamoDB', metricName: 'ThrottledRequests', days: 2 },
  { namespace: 'AWS/Lambda', metricName: 'Invocations', days: 8 },
  { namespace: 'AWS/Lambda', metricName: 'Errors', days: 8 },
];
