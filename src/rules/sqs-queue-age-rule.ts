/** SQS queues whose oldest message keeps ageing: consumers are stuck or too slow, and messages expire unread. */
import type { MetricSeries } from '../domain/records.js';
import { impactOfScore } from './impact.js';
import { recommendationId, type Recommendation } from './recommendation.js';
import { pointsByResource } from './resource-series.js';
import type { RuleThresholds } from './rule-thresholds.js';
import { round } from './stats.js';

/** Input of the queue-age rule, for one account. */
export interface SqsQueueAgeInput {
  accountId: string;
  now: Date;
  /** Collected series; the rule reads AWS/SQS ApproximateAgeOfOldestMessage (Maximum). */
  series: readonly MetricSeries[];
}

/** SQS's default message retention, 4 days: a message this old is deleted unread. */
export const SQS_DEFAULT_RETENTION_SEC = 4 * 86_400;

/**
 * Flag a queue when every datapoint of ApproximateAgeOfOldestMessage in the last
 * `sqsAgeWindowMinutes` is strictly above `sqsOldestMessageAgeSec` (one busy minute does not
 * fire it; a backlog that does not drain does). The score climbs from medium towards high as the
 * age approaches the default retention, when messages start to be lost.
 */
export function sqsQueueAgeRule(input: SqsQueueAgeInput, thresholds: RuleThresholds): Recommendation[] {
  const since = input.now.getTime() - thresholds.sqsAgeWindowMinutes * 60_000;
  const out: Recommendation[] = [];
  for (const queue of pointsByResource(input.series, 'AWS/SQS', 'ApproximateAgeOfOldestMessage')) {
    const recent = queue.points.filter((p) => Date.parse(p.t) >= since && Date.parse(p.t) <= input.now.getTime());
    if (recent.length === 0 || !recent.every((p) => p.v > thresholds.sqsOldestMessageAgeSec)) continue;
    const ageSec = recent.at(-1)?.v ?? 0;
    const share = Math.min(1, ageSec / SQS_DEFAULT_RETENTION_SEC);
    out.push({
      id: recommendationId('sqs-queue-age', [input.accountId, queue.region, queue.resourceId]),
      rule: 'sqs-queue-age',
      category: 'reliability',
      ...impactOfScore(45 + 40 * share),
      accountId: input.accountId,
      resources: [{ type: 'sqs-queue', id: queue.resourceId, region: queue.region }],
      evidence: {
        oldestMessageAgeSec: round(ageSec, 0),
        thresholdSec: thresholds.sqsOldestMessageAgeSec,
        windowMinutes: thresholds.sqsAgeWindowMinutes,
        datapoints: recent.length,
      },
      title: `Messages are waiting in SQS queue ${queue.resourceId}`,
      summary: `Its oldest message is ${round(ageSec / 3600, 1)} h old and stayed above ${round(thresholds.sqsOldestMessageAgeSec / 60, 1)} min for the last ${thresholds.sqsAgeWindowMinutes} min. Check its consumers; messages past the retention period (4 days by default) are deleted unread.`,
    });
  }
  return out;
}
