/**
 * The CloudWatch metrics of a region's resources and their values: a smooth daily shape
 * (peaking mid-afternoon UTC) plus noise, a pure function of (seed, series, timestamp).
 */
import { chance, hashString, mix, unit } from '../prng.js';
import { inventoryFor, type RegionInventory } from './inventory.js';

export interface Dimension {
  Name: string;
  Value: string;
}

/** How values aggregate: rates sum over a period, gauges average, percentages cap at 100. */
export type SeriesKind = 'percent' | 'rate' | 'gauge';

/** One metric of one resource. */
export interface SeriesSpec {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  kind: SeriesKind;
  /** Mean level (per minute for rates). */
  level: number;
  /** Relative swing of the daily shape. */
  amplitude: number;
  /** Relative noise. */
  noise: number;
  /** Datapoints exist only every this many seconds (S3's daily storage metrics: 86400). */
  resolutionSec?: number;
  /** A value that climbs 1 per second from `level` and starts again every this many seconds (a stuck queue's oldest message). */
  sawtoothSec?: number;
}

function spec(namespace: string, metricName: string, dimension: Dimension | Dimension[], kind: SeriesKind, level: number, amplitude: number, noise: number, more: Pick<SeriesSpec, 'resolutionSec' | 'sawtoothSec'> = {}): SeriesSpec {
  return { namespace, metricName, dimensions: Array.isArray(dimension) ? dimension : [dimension], kind, level, amplitude, noise, ...more };
}

const dim = (Name: string, Value: string): Dimension => ({ Name, Value });
const DAY_SEC = 86_400;

/** The custom namespace every account's first region publishes, as an application would with PutMetricData. */
export const CUSTOM_NAMESPACE = 'Custom/Shop';

/**
 * The series of the other catalog services: names, dimensions and units as each service's
 * CloudWatch page lists them (see src/aws/metric-catalog.ts), plus a few copies under other
 * dimension sets (per Role, per Stage, per StorageType) that discovery must skip.
 */
function moreSeries(region: RegionInventory, r: (...parts: (string | number)[]) => number, first: boolean): SeriesSpec[] {
  const more = region.more;
  const out: SeriesSpec[] = [];
  // EBS publishes metrics of attached volumes only; the last volume is detached.
  for (const id of more.volumes.slice(0, -1)) {
    const d = dim('VolumeId', id);
    out.push(spec('AWS/EBS', 'VolumeQueueLength', d, 'gauge', 0.2 + 2 * r(id, 'q'), 0.4, 0.2));
    out.push(spec('AWS/EBS', 'VolumeReadOps', d, 'rate', 50 + 900 * r(id, 'r'), 0.5, 0.2));
    out.push(spec('AWS/EBS', 'VolumeWriteOps', d, 'rate', 50 + 600 * r(id, 'w'), 0.5, 0.2));
    out.push(spec('AWS/EBS', 'BurstBalance', d, 'percent', 80 + 19 * r(id, 'b'), 0.05, 0.01));
  }
  for (const id of more.auroraClusters) {
    const d = dim('DBClusterIdentifier', id);
    out.push(spec('AWS/RDS', 'CPUUtilization', d, 'percent', 15 + 40 * r(id, 'cpu'), 0.3, 0.1));
    out.push(spec('AWS/RDS', 'CPUUtilization', [d, dim('Role', 'WRITER')], 'percent', 15 + 40 * r(id, 'cpu'), 0.3, 0.1));
    out.push(spec('AWS/RDS', 'DatabaseConnections', d, 'gauge', Math.round(20 + 80 * r(id, 'conn')), 0.4, 0.1));
    out.push(spec('AWS/RDS', 'AuroraReplicaLagMaximum', d, 'gauge', 10 + 30 * r(id, 'lag'), 0.2, 0.3));
    out.push(spec('AWS/RDS', 'VolumeBytesUsed', d, 'gauge', Math.round(1e10 + 9e10 * r(id, 'vol')), 0, 0.001));
  }
  for (const lb of more.networkLoadBalancers) {
    const d = dim('LoadBalancer', lb);
    out.push(spec('AWS/NetworkELB', 'ActiveFlowCount', d, 'gauge', 100 + 2000 * r(lb, 'flows'), 0.5, 0.1));
    out.push(spec('AWS/NetworkELB', 'NewFlowCount', d, 'rate', 50 + 500 * r(lb, 'new'), 0.5, 0.1));
    out.push(spec('AWS/NetworkELB', 'ProcessedBytes', d, 'rate', 1e6 + 5e7 * r(lb, 'bytes'), 0.5, 0.1));
    out.push(spec('AWS/NetworkELB', 'TCP_Target_Reset_Count', d, 'rate', 0.2 + 2 * r(lb, 'reset'), 0.5, 0.5));
  }
  for (const api of more.restApis) {
    const d = dim('ApiName', api);
    const count = 100 + 1900 * r(api, 'count');
    out.push(spec('AWS/ApiGateway', 'Count', d, 'rate', count, 0.5, 0.1));
    out.push(spec('AWS/ApiGateway', 'Count', [d, dim('Stage', 'prod')], 'rate', count, 0.5, 0.1));
    out.push(spec('AWS/ApiGateway', '5XXError', d, 'rate', count * 0.002, 0.5, 0.5));
    out.push(spec('AWS/ApiGateway', '4XXError', d, 'rate', count * 0.03, 0.5, 0.3));
    out.push(spec('AWS/ApiGateway', 'Latency', d, 'gauge', 30 + 300 * r(api, 'lat'), 0.2, 0.2));
  }
  for (const id of more.distributions) {
    const d = [dim('DistributionId', id), dim('Region', 'Global')];
    out.push(spec('AWS/CloudFront', 'Requests', d, 'rate', 500 + 5000 * r(id, 'req'), 0.5, 0.1));
    out.push(spec('AWS/CloudFront', 'BytesDownloaded', d, 'rate', 1e7 + 1e8 * r(id, 'bytes'), 0.5, 0.1));
    out.push(spec('AWS/CloudFront', '4xxErrorRate', d, 'percent', 0.5 + 3 * r(id, '4xx'), 0.3, 0.3));
    out.push(spec('AWS/CloudFront', '5xxErrorRate', d, 'percent', 0.05 + 0.5 * r(id, '5xx'), 0.3, 0.5));
  }
  more.buckets.forEach((bucket, index) => {
    const d = dim('BucketName', bucket);
    const daily = { resolutionSec: DAY_SEC };
    out.push(spec('AWS/S3', 'BucketSizeBytes', [d, dim('StorageType', 'StandardStorage')], 'gauge', Math.round(1e9 + 5e11 * r(bucket, 'size')), 0, 0.01, daily));
    if (index === 0) out.push(spec('AWS/S3', 'BucketSizeBytes', [d, dim('StorageType', 'StandardIAStorage')], 'gauge', Math.round(1e9 + 1e11 * r(bucket, 'ia')), 0, 0.01, daily));
    out.push(spec('AWS/S3', 'NumberOfObjects', [d, dim('StorageType', 'AllStorageTypes')], 'gauge', Math.round(1e3 + 1e7 * r(bucket, 'objects')), 0, 0.01, daily));
  });
  for (const table of more.tables) {
    const d = dim('TableName', table.name);
    out.push(spec('AWS/DynamoDB', 'ConsumedReadCapacityUnits', d, 'rate', 100 + 3000 * r(table.name, 'rcu'), 0.5, 0.1));
    out.push(spec('AWS/DynamoDB', 'ConsumedWriteCapacityUnits', d, 'rate', 50 + 1000 * r(table.name, 'wcu'), 0.5, 0.1));
    // CloudWatch has throttling datapoints only for tables and operations that were throttled.
    if (table.throttling) {
      out.push(spec('AWS/DynamoDB', 'ThrottledRequests', [d, dim('Operation', 'PutItem')], 'rate', 4 + 4 * r(table.name, 'thr-put'), 0.5, 0.2));
      out.push(spec('AWS/DynamoDB', 'ThrottledRequests', [d, dim('Operation', 'Query')], 'rate', 1 + 2 * r(table.name, 'thr-query'), 0.5, 0.2));
    }
  }
  for (const queue of more.queues) {
    const d = dim('QueueName', queue.name);
    const sent = 20 + 400 * r(queue.name, 'sent');
    // A stuck queue: nothing is deleted, and its oldest message is always over two hours old.
    out.push(queue.stuck
      ? spec('AWS/SQS', 'ApproximateAgeOfOldestMessage', d, 'gauge', 7_200, 0, 0, { sawtoothSec: 2 * DAY_SEC })
      : spec('AWS/SQS', 'ApproximateAgeOfOldestMessage', d, 'gauge', 5 + 55 * r(queue.name, 'age'), 0.3, 0.3));
    out.push(spec('AWS/SQS', 'ApproximateNumberOfMessagesVisible', d, 'gauge', queue.stuck ? sent * 600 : sent * 0.2, 0.3, 0.2));
    out.push(spec('AWS/SQS', 'NumberOfMessagesSent', d, 'rate', sent, 0.5, 0.1));
    out.push(spec('AWS/SQS', 'NumberOfMessagesDeleted', d, 'rate', queue.stuck ? 0 : sent, 0.5, 0.1));
  }
  for (const topic of more.topics) {
    const d = dim('TopicName', topic);
    const published = 5 + 200 * r(topic, 'pub');
    out.push(spec('AWS/SNS', 'NumberOfMessagesPublished', d, 'rate', published, 0.5, 0.1));
    out.push(spec('AWS/SNS', 'NumberOfNotificationsDelivered', d, 'rate', published * 2, 0.5, 0.1));
    out.push(spec('AWS/SNS', 'NumberOfNotificationsFailed', d, 'rate', published * 0.01, 0.5, 0.5));
  }
  for (const { cluster, service } of more.ecsServices) {
    const d = [dim('ClusterName', cluster), dim('ServiceName', service)];
    out.push(spec('AWS/ECS', 'CPUUtilization', d, 'percent', 10 + 60 * r(service, 'cpu'), 0.3, 0.1));
    out.push(spec('AWS/ECS', 'MemoryUtilization', d, 'percent', 30 + 50 * r(service, 'mem'), 0.1, 0.05));
  }
  for (const { cluster, node } of more.cacheNodes) {
    const d = [dim('CacheClusterId', cluster), dim('CacheNodeId', node)];
    out.push(spec('AWS/ElastiCache', 'EngineCPUUtilization', d, 'percent', 5 + 40 * r(cluster, node, 'cpu'), 0.3, 0.1));
    out.push(spec('AWS/ElastiCache', 'DatabaseMemoryUsagePercentage', d, 'percent', 20 + 60 * r(cluster, node, 'mem'), 0.05, 0.02));
    out.push(spec('AWS/ElastiCache', 'CurrConnections', d, 'gauge', Math.round(10 + 200 * r(cluster, node, 'conn')), 0.3, 0.1));
    out.push(spec('AWS/ElastiCache', 'Evictions', d, 'rate', 0, 0, 0));
  }
  for (const id of more.fileSystems) {
    const d = dim('FileSystemId', id);
    out.push(spec('AWS/EFS', 'PercentIOLimit', d, 'percent', 5 + 40 * r(id, 'io'), 0.3, 0.1));
    out.push(spec('AWS/EFS', 'BurstCreditBalance', d, 'gauge', 2.3e12, 0.05, 0.01));
    out.push(spec('AWS/EFS', 'ClientConnections', d, 'gauge', Math.round(2 + 20 * r(id, 'clients')), 0.2, 0.1));
    out.push(spec('AWS/EFS', 'StorageBytes', [d, dim('StorageClass', 'Total')], 'gauge', Math.round(1e9 + 1e11 * r(id, 'bytes')), 0, 0.001));
    out.push(spec('AWS/EFS', 'StorageBytes', [d, dim('StorageClass', 'Standard')], 'gauge', Math.round(1e9 + 5e10 * r(id, 'std')), 0, 0.001));
  }
  for (const stream of more.streams) {
    const d = dim('StreamName', stream);
    out.push(spec('AWS/Kinesis', 'IncomingRecords', d, 'rate', 1000 + 20000 * r(stream, 'in'), 0.5, 0.1));
    out.push(spec('AWS/Kinesis', 'GetRecords.IteratorAgeMilliseconds', d, 'gauge', 200 + 3000 * r(stream, 'age'), 0.3, 0.3));
    out.push(spec('AWS/Kinesis', 'WriteProvisionedThroughputExceeded', d, 'rate', 0, 0, 0));
    out.push(spec('AWS/Kinesis', 'ReadProvisionedThroughputExceeded', d, 'rate', 0, 0, 0));
  }
  for (const arn of more.stateMachines) {
    const d = dim('StateMachineArn', arn);
    const started = 1 + 50 * r(arn, 'started');
    out.push(spec('AWS/States', 'ExecutionsStarted', d, 'rate', started, 0.5, 0.2));
    out.push(spec('AWS/States', 'ExecutionsFailed', d, 'rate', started * 0.02, 0.5, 0.5));
    out.push(spec('AWS/States', 'ExecutionsTimedOut', d, 'rate', 0, 0, 0));
    out.push(spec('AWS/States', 'ExecutionTime', d, 'gauge', 500 + 20000 * r(arn, 'time'), 0.2, 0.2));
  }
  if (first) {
    for (const service of ['checkout', 'search']) {
      const d = dim('Service', service);
      out.push(spec(CUSTOM_NAMESPACE, 'OrdersPlaced', d, 'rate', 3 + 30 * r(service, 'orders'), 0.6, 0.2));
      out.push(spec(CUSTOM_NAMESPACE, 'RequestLatency', d, 'gauge', 80 + 300 * r(service, 'latency'), 0.2, 0.2));
    }
  }
  return out;
}

/** Every metric of the region, in a stable order. */
export function regionSeries(seed: number, account: string, region: RegionInventory): SeriesSpec[] {
  const out: SeriesSpec[] = [];
  const r = (...parts: (string | number)[]) => chance(seed, account, region.region, 'metric', ...parts);
  for (const instance of region.ec2) {
    const dim = { Name: 'InstanceId', Value: instance.id };
    const swing = instance.profile === 'hot' ? 0.03 : instance.profile === 'idle' ? 0.2 : 0.35;
    const noise = instance.profile === 'hot' ? 0.02 : instance.profile === 'idle' ? 0.15 : 0.1;
    out.push(spec('AWS/EC2', 'CPUUtilization', dim, 'percent', instance.cpuLevel, swing, noise));
    out.push(spec('AWS/EC2', 'NetworkIn', dim, 'rate', instance.cpuLevel * 4e5, swing, 0.2));
    out.push(spec('AWS/EC2', 'NetworkOut', dim, 'rate', instance.cpuLevel * 2.5e5, swing, 0.2));
    out.push(spec('AWS/EC2', 'StatusCheckFailed', dim, 'rate', 0, 0, 0));
  }
  for (const db of region.rds) {
    const dim = { Name: 'DBInstanceIdentifier', Value: db.id };
    out.push(spec('AWS/RDS', 'CPUUtilization', dim, 'percent', 8 + 35 * r(db.id, 'cpu'), 0.3, 0.1));
    out.push(spec('AWS/RDS', 'DatabaseConnections', dim, 'gauge', Math.round(5 + 55 * r(db.id, 'conn')), 0.4, 0.1));
    out.push(spec('AWS/RDS', 'FreeStorageSpace', dim, 'gauge', Math.round(2e10 + 6e10 * r(db.id, 'disk')), 0, 0.001));
  }
  for (const fn of region.lambdas) {
    const dim = { Name: 'FunctionName', Value: fn.name };
    const invocations = 5 + 195 * r(fn.name, 'inv');
    out.push(spec('AWS/Lambda', 'Invocations', dim, 'rate', invocations, 0.5, 0.15));
    out.push(spec('AWS/Lambda', 'Errors', dim, 'rate', invocations * (fn.errorProne ? 0.18 : 0.004), 0.5, 0.15));
    out.push(spec('AWS/Lambda', 'Duration', dim, 'gauge', 40 + 800 * r(fn.name, 'dur'), 0.1, 0.1));
    out.push(spec('AWS/Lambda', 'Throttles', dim, 'rate', 0, 0, 0));
  }
  for (const lb of region.loadBalancers) {
    const dim = { Name: 'LoadBalancer', Value: lb };
    out.push(spec('AWS/ApplicationELB', 'RequestCount', dim, 'rate', 100 + 2900 * r(lb, 'req'), 0.5, 0.1));
    out.push(spec('AWS/ApplicationELB', 'TargetResponseTime', dim, 'gauge', 0.05 + 0.35 * r(lb, 'lat'), 0.2, 0.15));
    out.push(spec('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', dim, 'rate', 0.5 + 3 * r(lb, '5xx'), 0.5, 0.5));
    out.push(spec('AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', dim, 'rate', 0.1 + r(lb, 'elb5xx'), 0.5, 0.5));
  }
  out.push(...moreSeries(region, r, region.region === firstRegionOf(seed, account)?.region));
  return out;
}

function firstRegionOf(seed: number, account: string): RegionInventory | undefined {
  return inventoryFor(seed, account).regions[0];
}

/** A stable key of a metric identity (namespace, name, dimensions in any order). */
export function seriesKey(namespace: string, metricName: string, dimensions: readonly Dimension[]): string {
  const dims = [...dimensions].sort((a, b) => a.Name.localeCompare(b.Name)).map((d) => `${d.Name}=${d.Value}`);
  return `${namespace}|${metricName}|${dims.join(',')}`;
}

/** Hash a series once; values at each timestamp mix this with the time. */
export function seriesHash(seed: number, account: string, region: string, series: SeriesSpec): number {
  return hashString(`${account}|${region}|${seriesKey(series.namespace, series.metricName, series.dimensions)}`, seed);
}

const DAY_MS = 86_400_000;

/** The underlying per-minute value at `t` (ms). */
function baseValue(series: SeriesSpec, hash: number, t: number): number {
  if (series.sawtoothSec) return series.level + Math.floor((((t / 1000) % series.sawtoothSec) + series.sawtoothSec) % series.sawtoothSec);
  if (series.level === 0) return 0;
  const hourOfDay = ((t % DAY_MS) + DAY_MS) % DAY_MS / 3_600_000;
  const daily = Math.sin((2 * Math.PI * (hourOfDay - 8)) / 24);
  const noise = (unit(mix(hash, Math.floor(t / 60_000))) - 0.5) * 2 * series.noise;
  const value = series.level * (1 + series.amplitude * daily + noise);
  return series.kind === 'percent' ? Math.min(100, Math.max(0, value)) : Math.max(0, value);
}

/** The statistic `stat` of the series over the period starting at `t`. Undefined for an unknown stat. */
export function statisticAt(series: SeriesSpec, hash: number, t: number, periodSec: number, stat: string): number | undefined {
  // A metric published once a day has nothing in the periods that hold no publication time.
  if (series.resolutionSec && periodSec < series.resolutionSec && t % (series.resolutionSec * 1000) !== 0) return undefined;
  const v = baseValue(series, hash, t);
  const samples = Math.max(1, Math.round(periodSec / 60));
  const spread = unit(mix(hash ^ 0x5bd1e995, Math.floor(t / 1000)));
  const cap = (x: number) => (series.kind === 'percent' ? Math.min(100, x) : x);
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  switch (stat) {
    case 'Average':
      return round(v);
    case 'Sum':
      return round(series.kind === 'rate' ? (v * periodSec) / 60 : v * samples);
    case 'SampleCount':
      return samples;
    case 'Maximum':
      return round(cap(v * (1 + 0.25 * spread)));
    case 'Minimum':
      return round(v * (1 - 0.25 * spread));
  }
  const percentile = /^p(\d{1,2}(?:\.\d+)?)$/.exec(stat);
  if (percentile?.[1]) return round(cap(v * (1 + (0.3 * Number(percentile[1])) / 100 - 0.15)));
  return undefined;
}
