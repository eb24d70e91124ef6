/**
 * CloudWatch alarms of a region: hot instances in ALARM, a normal one OK, the error-prone Lambda
 * flapping every three hours, RDS and load-balancer alarms OK or INSUFFICIENT_DATA, queue-age
 * alarms (the stuck queue in ALARM) and the throttling table's alarm in ALARM.
 */
import { chance } from '../prng.js';
import { DAY_MS } from './costs.js';
import type { RegionInventory } from './inventory.js';

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** An alarm in the shape of DescribeAlarms' MetricAlarm (timestamps as Dates). */
export interface SimAlarm {
  AlarmName: string;
  AlarmArn: string;
  AlarmDescription: string;
  AlarmConfigurationUpdatedTimestamp: Date;
  ActionsEnabled: boolean;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  StateValue: AlarmStateValue;
  StateReason: string;
  StateUpdatedTimestamp: Date;
  StateTransitionedTimestamp: Date;
  MetricName: string;
  Namespace: string;
  Statistic: string;
  Dimensions: { Name: string; Value: string }[];
  Period: number;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  Threshold: number;
  ComparisonOperator: string;
  TreatMissingData: string;
}

const FLAP_MS = 3 * 3_600_000;

interface AlarmSeed {
  name: string;
  description: string;
  namespace: string;
  metricName: string;
  dimension: { Name: string; Value: string };
  threshold: number;
  comparison: string;
  statistic: string;
  state: AlarmStateValue;
  /** When the state last changed. */
  since: number;
}

function reason(state: AlarmStateValue, threshold: number): string {
  if (state === 'ALARM') return `Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (${threshold.toFixed(1)}).`;
  if (state === 'OK') return `Threshold Crossed: 3 out of the last 3 datapoints were not greater than the threshold (${threshold.toFixed(1)}).`;
  return 'Insufficient Data: 3 datapoints were unknown.';
}

/**
 * The region's alarms at `now`, sorted by name as DescribeAlarms returns them. The flapping alarms
 * draw their state anew every `flapMs` (default 3 h) from the seed and the period's number, so
 * their transitions are a pure function of the clock.
 */
export function regionAlarms(seed: number, account: string, region: RegionInventory, now: number, flapMs = FLAP_MS): SimAlarm[] {
  const key = `${account}/${region.region}`;
  const steady = (name: string) => Math.floor(now / DAY_MS) * DAY_MS - Math.floor(chance(seed, key, 'since', name) * 20) * 3_600_000;
  const seeds: AlarmSeed[] = [];
  const cpu = (instance: RegionInventory['ec2'][number], state: AlarmStateValue): AlarmSeed => ({
    name: `high-cpu-${instance.name}`,
    description: `CPU of ${instance.name} (${instance.id}) above 80 %`,
    namespace: 'AWS/EC2',
    metricName: 'CPUUtilization',
    dimension: { Name: 'InstanceId', Value: instance.id },
    threshold: 80,
    comparison: 'GreaterThanThreshold',
    statistic: 'Average',
    state,
    since: steady(instance.id),
  });
  for (const instance of region.ec2.filter((i) => i.profile === 'hot')) seeds.push(cpu(instance, 'ALARM'));
  const normal = region.ec2.find((i) => i.profile === 'normal');
  if (normal) seeds.push(cpu(normal, 'OK'));
  for (const fn of region.lambdas.filter((f) => f.errorProne)) {
    const bucket = Math.floor(now / flapMs);
    const state = chance(seed, key, 'flap', fn.name, bucket) < 0.6 ? 'ALARM' : 'OK';
    let since = bucket;
    while (since > bucket - 16 && (chance(seed, key, 'flap', fn.name, since - 1) < 0.6 ? 'ALARM' : 'OK') === state) since--;
    seeds.push({ name: `lambda-errors-${fn.name}`, description: `Errors of ${fn.name} above 5 per 5 minutes`, namespace: 'AWS/Lambda', metricName: 'Errors', dimension: { Name: 'FunctionName', Value: fn.name }, threshold: 5, comparison: 'GreaterThanThreshold', statistic: 'Sum', state, since: since * flapMs });
  }
  region.rds.forEach((db, index) => {
    seeds.push(
      index === 0
        ? { name: `rds-low-storage-${db.id}`, description: `Free storage of ${db.id} below 5 GB`, namespace: 'AWS/RDS', metricName: 'FreeStorageSpace', dimension: { Name: 'DBInstanceIdentifier', Value: db.id }, threshold: 5e9, comparison: 'LessThanThreshold', statistic: 'Average', state: 'OK', since: steady(db.id) }
        : { name: `rds-connections-${db.id}`, description: `Connections to ${db.id} above 500`, namespace: 'AWS/RDS', metricName: 'DatabaseConnections', dimension: { Name: 'DBInstanceIdentifier', Value: db.id }, threshold: 500, comparison: 'GreaterThanThreshold', statistic: 'Maximum', state: 'INSUFFICIENT_DATA', since: steady(db.id) },
    );
  });
  for (const lb of region.loadBalancers) {
    const state = chance(seed, key, 'alb-state', lb) < 0.7 ? 'OK' : 'INSUFFICIENT_DATA';
    seeds.push({ name: `alb-5xx-${lb.split('/')[1] ?? 'alb'}`, description: `5xx responses of ${lb} above 50 per 5 minutes`, namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimension: { Name: 'LoadBalancer', Value: lb }, threshold: 50, comparison: 'GreaterThanThreshold', statistic: 'Sum', state, since: steady(lb) });
  }
  // Alarms a team sets on the other catalog services: the stuck queue and the throttling table fire.
  for (const queue of region.more.queues) {
    seeds.push({ name: `sqs-oldest-message-${queue.name}`, description: `Oldest message in ${queue.name} older than 1 hour`, namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimension: { Name: 'QueueName', Value: queue.name }, threshold: 3600, comparison: 'GreaterThanThreshold', statistic: 'Maximum', state: queue.stuck ? 'ALARM' : 'OK', since: steady(queue.name) });
  }
  for (const table of region.more.tables.filter((t) => t.throttling)) {
    seeds.push({ name: `dynamodb-throttled-${table.name}`, description: `Throttled requests on ${table.name}`, namespace: 'AWS/DynamoDB', metricName: 'ThrottledRequests', dimension: { Name: 'TableName', Value: table.name }, threshold: 0, comparison: 'GreaterThanThreshold', statistic: 'Sum', state: 'ALARM', since: steady(table.name) });
  }
  const topic = `arn:aws:sns:${region.region}:${account}:ops-alerts`;
  return seeds
    .map((s) => ({
      AlarmName: s.name,
      AlarmArn: `arn:aws:cloudwatch:${region.region}:${account}:alarm:${s.name}`,
      AlarmDescription: s.description,
      AlarmConfigurationUpdatedTimestamp: new Date(s.since - 30 * DAY_MS),
      ActionsEnabled: true,
      OKActions: [],
      AlarmActions: [topic],
      InsufficientDataActions: [],
      StateValue: s.state,
      StateReason: reason(s.state, s.threshold),
      StateUpdatedTimestamp: new Date(s.since),
      StateTransitionedTimestamp: new Date(s.since),
      MetricName: s.metricName,
      Namespace: s.namespace,
      Statistic: s.statistic,
      Dimensions: [s.dimension],
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: s.threshold,
      ComparisonOperator: s.comparison,
      TreatMissingData: 'missing',
    }))
    .sort((a, b) => a.AlarmName.localeCompare(b.AlarmName));
}
