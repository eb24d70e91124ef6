/**
 * The service rules end to end below the API: series stored by a metrics run (SQS age, DynamoDB
 * throttling, Lambda errors) become recommendations at GET /api/recommendations.
 */
import t from 'tap';
import type { MetricSeries } from '../../src/domain/records.js';
import { metricsResult } from '../store/fixtures/store.js';
import { signIn, startWorld } from './fixtures/harness.js';

const MIN = 60_000;

function series(namespace: string, metricName: string, dims: Record<string, string>, resourceId: string, values: number[], stepMs: number, end: number, stat = 'Sum'): MetricSeries {
  return {
    region: 'us-east-1',
    metric: { namespace, metricName, stat, dimensions: Object.entries(dims).map(([name, value]) => ({ name, value })) },
    resourceId,
    periodSec: stepMs / 1000,
    points: values.map((v, i) => ({ t: new Date(end - (values.length - i) * stepMs).toISOString(), v })),
  };
}

t.test('stored SQS, DynamoDB and Lambda series become recommendations', async (t) => {
  const w = await startWorld(t);
  const user = await signIn(w, 'rules@example.com');
  const account = await w.request('POST', '/api/accounts', { cookie: user.cookie, body: { name: 'Prod', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', regions: ['us-east-1'] } });
  t.equal(account.status, 201, account.text);
  const now = w.clock.now;
  const end = Math.floor(now / (5 * MIN)) * 5 * MIN;
  const dayStart = Math.floor(now / 86_400_000) * 86_400_000;
  await w.store.results.write(
    metricsResult(user.tenantId, account.json.id, [
      series('AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName: 'orders' }, 'orders', Array(8).fill(9_000), 5 * MIN, end, 'Maximum'),
      series('AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName: 'emails' }, 'emails', Array(8).fill(30), 5 * MIN, end, 'Maximum'),
      series('AWS/DynamoDB', 'ThrottledRequests', { TableName: 'carts', Operation: 'PutItem' }, 'carts', [6, 6], 5 * MIN, end),
      // Yesterday, hourly: 20 invocations and 5 errors an hour (25 %).
      series('AWS/Lambda', 'Invocations', { FunctionName: 'thumbnailer' }, 'thumbnailer', Array(24).fill(20), 3_600_000, dayStart),
      series('AWS/Lambda', 'Errors', { FunctionName: 'thumbnailer' }, 'thumbnailer', Array(24).fill(5), 3_600_000, dayStart),
    ]),
  );
  const reply = await w.request('GET', '/api/recommendations', { cookie: user.cookie });
  t.equal(reply.status, 200, reply.text);
  const fired = (reply.json.items as { resources: { id: string }[]; category: string; title: string }[]).map((r) => `${r.category}:${r.resources[0]?.id}`).sort();
  t.same(fired.filter((f) => /orders|emails|carts|thumbnailer/.test(f)), ['performance:carts', 'reliability:orders', 'reliability:thumbnailer'], 'the stuck queue, the throttling table and the failing function; not the healthy queue');
});
