/** The SQS queue-age, DynamoDB throttling and Lambda error-rate rules, at their thresholds. */
import t from 'tap';
import type { MetricSeries } from '../../src/domain/records.js';
import { dynamoThrottleRule } from '../../src/rules/dynamodb-throttle-rule.js';
import { evaluateRules } from '../../src/rules/evaluate-rules.js';
import { lambdaErrorRateRule } from '../../src/rules/lambda-error-rate-rule.js';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../src/rules/rule-thresholds.js';
import { sqsQueueAgeRule } from '../../src/rules/sqs-queue-age-rule.js';

const T = DEFAULT_THRESHOLDS;
const NOW = new Date('2025-06-15T12:00:00Z');
const MIN = 60_000;

/** A series of `values`, one per `stepMs`, the last one `endBeforeNowMs` before NOW. */
function series(namespace: string, metricName: string, resourceId: string, values: number[], stepMs = 5 * MIN, extra: { name: string; value: string }[] = [], endBeforeNowMs = 0): MetricSeries {
  const end = NOW.getTime() - endBeforeNowMs;
  const dimName = namespace === 'AWS/SQS' ? 'QueueName' : namespace === 'AWS/DynamoDB' ? 'TableName' : 'FunctionName';
  return {
    region: 'eu-west-1',
    metric: { namespace, metricName, stat: 'Sum', dimensions: [{ name: dimName, value: resourceId }, ...extra] },
    resourceId,
    periodSec: stepMs / 1000,
    points: values.map((v, i) => ({ t: new Date(end - (values.length - 1 - i) * stepMs).toISOString(), v })),
  };
}

const age = (values: number[], endBeforeNowMs = 0) => series('AWS/SQS', 'ApproximateAgeOfOldestMessage', 'orders', values, 5 * MIN, [], endBeforeNowMs);

t.test('SQS: every datapoint of the last 30 min strictly above 1 h fires', async (t) => {
  const run = (s: MetricSeries[], th = T) => sqsQueueAgeRule({ accountId: 'acc-1', now: NOW, series: s }, th);
  // 7 points, 5 min apart, the last at NOW: the window [NOW-30min, NOW] holds all 7.
  t.same(run([age([3600, 3600, 3600, 3600, 3600, 3600, 3600])]), [], 'exactly at 3600 s is not above');
  const [rec] = run([age([3601, 3700, 3800, 3900, 4000, 4100, 4200])]);
  t.ok(rec, 'just above fires');
  t.equal(rec?.rule, 'sqs-queue-age');
  t.equal(rec?.category, 'reliability');
  t.same(rec?.resources, [{ type: 'sqs-queue', id: 'orders', region: 'eu-west-1' }]);
  t.equal(rec?.evidence.oldestMessageAgeSec, 4200);
  t.equal(rec?.priority, 'medium', 'an hour-old backlog is medium');
  t.same(run([age([9000, 9000, 9000, 10, 9000, 9000, 9000])]), [], 'one drained datapoint in the window: not stuck');
  t.equal(run([age([10, 10, 10, 10, 5000, 5000, 5000, 5000, 5000, 5000, 5000])]).length, 1, 'older low points outside the window do not count');
  t.same(run([age([5000, 5000], 31 * MIN)]), [], 'no datapoint in the window: nothing to judge');
  const near = run([age(Array(7).fill(3.9 * 86_400))])[0];
  t.equal(near?.priority, 'high', 'close to the 4-day retention it is high');
  t.equal(run([age(Array(7).fill(1000))], resolveThresholds({ sqsOldestMessageAgeSec: 900 })).length, 1, 'the threshold is tunable');
});

const throttled = (resourceId: string, op: string, values: number[]) => series('AWS/DynamoDB', 'ThrottledRequests', resourceId, values, 3_600_000, [{ name: 'Operation', value: op }], 3_600_000);

t.test('DynamoDB: throttled requests over 24 h, every operation added, strictly above 10', async (t) => {
  const run = (s: MetricSeries[]) => dynamoThrottleRule({ accountId: 'acc-1', now: NOW, series: s }, T);
  t.same(run([throttled('carts', 'PutItem', [4, 3]), throttled('carts', 'Query', [3])]), [], '10 in total is at, not above');
  const [rec] = run([throttled('carts', 'PutItem', [4, 3]), throttled('carts', 'Query', [4])]);
  t.ok(rec, '11 over two operations fires');
  t.equal(rec?.evidence.throttledRequests, 11);
  t.equal(rec?.rule, 'dynamodb-throttle');
  t.same(rec?.resources, [{ type: 'dynamodb-table', id: 'carts', region: 'eu-west-1' }]);
  t.equal(rec?.priority, 'medium');
  t.equal(run([throttled('carts', 'PutItem', [400, 400, 400])])[0]?.priority, 'high', '1,200 throttled (120x the threshold) is high');
  // 30 points an hour apart, ending an hour ago: only the 23 inside the last 24 h count.
  t.same(run([throttled('old', 'PutItem', [11, ...Array(29).fill(0)])]), [], 'throttling older than 24 h is forgotten');
});

const lambda = (metricName: string, perDay: number[]) => {
  // One point per day at noon, for the days before NOW (the last value is yesterday).
  return series('AWS/Lambda', metricName, 'thumbnailer', perDay, 86_400_000, [], 86_400_000);
};

t.test('Lambda: an error rate above 10 % on any of the last 7 days', async (t) => {
  const run = (inv: number[], err: number[], th = T) => lambdaErrorRateRule({ accountId: 'acc-1', now: NOW, series: [lambda('Invocations', inv), lambda('Errors', err)] }, th);
  t.same(run([100, 100, 100, 100, 100, 100, 100], [0, 0, 0, 10, 0, 0, 0]), [], '10 % exactly is not above');
  const [rec] = run([100, 100, 100, 1000, 100, 100, 100], [0, 0, 0, 101, 0, 0, 11]);
  t.ok(rec, '11 % on one day fires');
  t.equal(rec?.evidence.errorRatePct, 11);
  t.equal(rec?.evidence.worstDay, '2025-06-14');
  t.equal(rec?.rule, 'lambda-error-rate');
  t.same(run([19, 100], [19, 0]), [], 'a day under 20 invocations is not judged');
  t.equal(run([20, 100], [19, 0]).length, 1, 'at 20 invocations it is');
  t.same(run([100, 100, 100, 100, 100, 100, 100, 100], [50, 0, 0, 0, 0, 0, 0, 0]), [], 'the 8th day back is outside the lookback');
  t.equal(run([100], [30])[0]?.priority, 'medium');
  t.equal(run([100], [60])[0]?.priority, 'high', 'a function failing most calls is high');
});

t.test('evaluateRules runs the service rules on AccountRuleData.series', async (t) => {
  const recs = evaluateRules({
    now: NOW,
    accounts: [{ accountId: 'acc-1', series: [age(Array(7).fill(7200)), throttled('carts', 'PutItem', [50]), lambda('Invocations', [100]), lambda('Errors', [25])] }],
  });
  t.same(recs.map((r) => r.rule).sort(), ['dynamodb-throttle', 'lambda-error-rate', 'sqs-queue-age']);
  t.throws(() => resolveThresholds({ lambdaErrorRatePct: 101 }), { code: 'INVALID_THRESHOLDS' });
});
