/**
 * Which CloudWatch metrics the metrics collector discovers and fetches: 18 services, each found
 * with one ListMetrics call filtered on the dimension that names its resources, and a headline
 * metric plus a few others. Every entry costs GetMetricData fees per resource per poll, so the
 * list holds what the dashboard and the rules use. Only metrics with exactly the listed
 * dimensions are kept — not the per-AZ, per-target-group or per-version copies CloudWatch also
 * publishes. Metric names, dimensions and the statistic each page calls useful come from the
 * AWS page cited on each service.
 */

/** One metric to discover: a namespace, a name, the statistic to fetch and its dimension names. */
export interface CatalogEntry {
  namespace: string;
  metricName: string;
  stat: string;
  /** The metric's dimension names, exactly (order free). */
  dimensions: readonly string[];
  /** Dimensions whose value must be this one (S3's StorageType, CloudFront's Region). */
  fixed?: Readonly<Record<string, string>>;
  /** Period to request when it differs from the collector's (S3 storage metrics are daily). */
  periodSec?: number;
  /** The catalog service this entry belongs to; absent for an entry added by hand. */
  service?: ServiceId;
  /** The service's headline metric (fetched at the fastest paid cadence, `src/collectors/cadences.ts`). */
  headline?: boolean;
}

export type ServiceId =
  | 'ec2' | 'ebs' | 'rds' | 'aurora' | 'lambda' | 'alb' | 'nlb' | 'apigateway' | 'cloudfront'
  | 's3' | 'dynamodb' | 'sqs' | 'sns' | 'ecs' | 'elasticache' | 'efs' | 'kinesis' | 'stepfunctions';

/** One metric of a service: name, statistic and anything that differs from the service's defaults. */
export interface ServiceMetric {
  metricName: string;
  stat: string;
  /** Extra dimensions beyond the service's resource dimensions (DynamoDB's Operation). */
  extraDimensions?: readonly string[];
  fixed?: Readonly<Record<string, string>>;
  periodSec?: number;
}

/** A service of the catalog: how its resources are found and which of their metrics are fetched. */
export interface CatalogService {
  id: ServiceId;
  label: string;
  namespace: string;
  /** ListMetrics is filtered on this dimension name (any value): one call finds every resource. */
  discoveryDimension: string;
  /** The dimensions that name one resource; their values, joined by `/`, are its id. */
  resourceDimensions: readonly string[];
  /**
   * The first is the service's headline metric: the one the dashboard shows first and the
   * collector fetches most often (every 15 min by default; the others hourly).
   */
  metrics: readonly [ServiceMetric, ...ServiceMetric[]];
  /** The AWS page the names, dimensions and statistics follow. */
  doc: string;
}

const m = (metricName: string, stat: string, more: Omit<ServiceMetric, 'metricName' | 'stat'> = {}): ServiceMetric => ({ metricName, stat, ...more });
const DAY_SEC = 86_400;

/**
 * The 18 services. EC2 — usually the most numerous resource — gets the fewest metrics: at a
 * 15-minute cadence each metric costs $0.0288 per resource per month ($0.01 / 1,000 x 2,880 polls).
 */
export const CATALOG_SERVICES: readonly CatalogService[] = [
  { id: 'ec2', label: 'EC2', namespace: 'AWS/EC2', discoveryDimension: 'InstanceId', resourceDimensions: ['InstanceId'],
    metrics: [m('CPUUtilization', 'Average'), m('StatusCheckFailed', 'Maximum')],
    doc: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html' },
  { id: 'ebs', label: 'EBS', namespace: 'AWS/EBS', discoveryDimension: 'VolumeId', resourceDimensions: ['VolumeId'],
    metrics: [m('VolumeQueueLength', 'Average'), m('VolumeReadOps', 'Sum'), m('VolumeWriteOps', 'Sum'), m('BurstBalance', 'Minimum')],
    doc: 'https://docs.aws.amazon.com/ebs/latest/userguide/using_cloudwatch_ebs.html' },
  { id: 'rds', label: 'RDS', namespace: 'AWS/RDS', discoveryDimension: 'DBInstanceIdentifier', resourceDimensions: ['DBInstanceIdentifier'],
    metrics: [m('CPUUtilization', 'Average'), m('DatabaseConnections', 'Average'), m('FreeStorageSpace', 'Minimum')],
    doc: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html' },
  // Cluster-level Aurora metrics carry only DBClusterIdentifier (the per-Role copies are skipped).
  { id: 'aurora', label: 'Aurora', namespace: 'AWS/RDS', discoveryDimension: 'DBClusterIdentifier', resourceDimensions: ['DBClusterIdentifier'],
    metrics: [m('CPUUtilization', 'Average'), m('DatabaseConnections', 'Average'), m('AuroraReplicaLagMaximum', 'Maximum'), m('VolumeBytesUsed', 'Average')],
    doc: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html' },
  { id: 'lambda', label: 'Lambda', namespace: 'AWS/Lambda', discoveryDimension: 'FunctionName', resourceDimensions: ['FunctionName'],
    metrics: [m('Invocations', 'Sum'), m('Errors', 'Sum'), m('Throttles', 'Sum'), m('Duration', 'Average')],
    doc: 'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html' },
  { id: 'alb', label: 'Application Load Balancer', namespace: 'AWS/ApplicationELB', discoveryDimension: 'LoadBalancer', resourceDimensions: ['LoadBalancer'],
    metrics: [m('RequestCount', 'Sum'), m('HTTPCode_Target_5XX_Count', 'Sum'), m('HTTPCode_ELB_5XX_Count', 'Sum'), m('TargetResponseTime', 'Average')],
    doc: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html' },
  { id: 'nlb', label: 'Network Load Balancer', namespace: 'AWS/NetworkELB', discoveryDimension: 'LoadBalancer', resourceDimensions: ['LoadBalancer'],
    metrics: [m('ActiveFlowCount', 'Average'), m('NewFlowCount', 'Sum'), m('ProcessedBytes', 'Sum'), m('TCP_Target_Reset_Count', 'Sum')],
    doc: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html' },
  // REST APIs are named by ApiName (HTTP APIs use ApiId and are not in the catalog).
  { id: 'apigateway', label: 'API Gateway', namespace: 'AWS/ApiGateway', discoveryDimension: 'ApiName', resourceDimensions: ['ApiName'],
    metrics: [m('Count', 'Sum'), m('5XXError', 'Sum'), m('4XXError', 'Sum'), m('Latency', 'Average')],
    doc: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html' },
  // CloudFront publishes only in us-east-1, with Region=Global.
  { id: 'cloudfront', label: 'CloudFront', namespace: 'AWS/CloudFront', discoveryDimension: 'DistributionId', resourceDimensions: ['DistributionId'],
    metrics: [
      m('Requests', 'Sum', { extraDimensions: ['Region'], fixed: { Region: 'Global' } }),
      m('BytesDownloaded', 'Sum', { extraDimensions: ['Region'], fixed: { Region: 'Global' } }),
      m('4xxErrorRate', 'Average', { extraDimensions: ['Region'], fixed: { Region: 'Global' } }),
      m('5xxErrorRate', 'Average', { extraDimensions: ['Region'], fixed: { Region: 'Global' } }),
    ],
    doc: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html' },
  // Daily storage metrics: one datapoint a day, so a daily period; BucketSizeBytes per StorageType.
  { id: 's3', label: 'S3', namespace: 'AWS/S3', discoveryDimension: 'BucketName', resourceDimensions: ['BucketName'],
    metrics: [
      m('BucketSizeBytes', 'Average', { extraDimensions: ['StorageType'], fixed: { StorageType: 'StandardStorage' }, periodSec: DAY_SEC }),
      m('NumberOfObjects', 'Average', { extraDimensions: ['StorageType'], fixed: { StorageType: 'AllStorageTypes' }, periodSec: DAY_SEC }),
    ],
    doc: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html' },
  // ThrottledRequests is published per TableName and Operation; the rule adds the operations up.
  { id: 'dynamodb', label: 'DynamoDB', namespace: 'AWS/DynamoDB', discoveryDimension: 'TableName', resourceDimensions: ['TableName'],
    metrics: [m('ConsumedReadCapacityUnits', 'Sum'), m('ConsumedWriteCapacityUnits', 'Sum'), m('ThrottledRequests', 'Sum', { extraDimensions: ['Operation'] })],
    doc: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html' },
  { id: 'sqs', label: 'SQS', namespace: 'AWS/SQS', discoveryDimension: 'QueueName', resourceDimensions: ['QueueName'],
    metrics: [m('ApproximateAgeOfOldestMessage', 'Maximum'), m('ApproximateNumberOfMessagesVisible', 'Maximum'), m('NumberOfMessagesSent', 'Sum'), m('NumberOfMessagesDeleted', 'Sum')],
    doc: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html' },
  { id: 'sns', label: 'SNS', namespace: 'AWS/SNS', discoveryDimension: 'TopicName', resourceDimensions: ['TopicName'],
    metrics: [m('NumberOfMessagesPublished', 'Sum'), m('NumberOfNotificationsDelivered', 'Sum'), m('NumberOfNotificationsFailed', 'Sum')],
    doc: 'https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html' },
  { id: 'ecs', label: 'ECS', namespace: 'AWS/ECS', discoveryDimension: 'ServiceName', resourceDimensions: ['ClusterName', 'ServiceName'],
    metrics: [m('CPUUtilization', 'Average'), m('MemoryUtilization', 'Average')],
    doc: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html' },
  // Host and engine metrics are published per node (CacheClusterId + CacheNodeId).
  { id: 'elasticache', label: 'ElastiCache', namespace: 'AWS/ElastiCache', discoveryDimension: 'CacheClusterId', resourceDimensions: ['CacheClusterId', 'CacheNodeId'],
    metrics: [m('EngineCPUUtilization', 'Average'), m('DatabaseMemoryUsagePercentage', 'Average'), m('CurrConnections', 'Average'), m('Evictions', 'Sum')],
    doc: 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html' },
  { id: 'efs', label: 'EFS', namespace: 'AWS/EFS', discoveryDimension: 'FileSystemId', resourceDimensions: ['FileSystemId'],
    metrics: [m('PercentIOLimit', 'Average'), m('BurstCreditBalance', 'Minimum'), m('ClientConnections', 'Sum'), m('StorageBytes', 'Average', { extraDimensions: ['StorageClass'], fixed: { StorageClass: 'Total' } })],
    doc: 'https://docs.aws.amazon.com/efs/latest/ug/efs-metrics.html' },
  { id: 'kinesis', label: 'Kinesis Data Streams', namespace: 'AWS/Kinesis', discoveryDimension: 'StreamName', resourceDimensions: ['StreamName'],
    metrics: [m('IncomingRecords', 'Sum'), m('GetRecords.IteratorAgeMilliseconds', 'Maximum'), m('WriteProvisionedThroughputExceeded', 'Sum'), m('ReadProvisionedThroughputExceeded', 'Sum')],
    doc: 'https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html' },
  { id: 'stepfunctions', label: 'Step Functions', namespace: 'AWS/States', discoveryDimension: 'StateMachineArn', resourceDimensions: ['StateMachineArn'],
    metrics: [m('ExecutionsStarted', 'Sum'), m('ExecutionsFailed', 'Sum'), m('ExecutionsTimedOut', 'Sum'), m('ExecutionTime', 'Average')],
    doc: 'https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html' },
];

/** The flat entries of some services (all by default). */
export function catalogEntries(services: readonly CatalogService[] = CATALOG_SERVICES): CatalogEntry[] {
  return services.flatMap((service) =>
    service.metrics.map((metric, index): CatalogEntry => ({
      namespace: service.namespace,
      metricName: metric.metricName,
      stat: metric.stat,
      dimensions: [...service.resourceDimensions, ...(metric.extraDimensions ?? [])],
      ...(metric.fixed ? { fixed: metric.fixed } : {}),
      ...(metric.periodSec ? { periodSec: metric.periodSec } : {}),
      service: service.id,
      ...(index === 0 ? { headline: true } : {}),
    })),
  );
}

/** The default catalog: every metric of every service. */
export const DEFAULT_METRIC_CATALOG: readonly CatalogEntry[] = catalogEntries();

/** The catalog service of an entry or metric, by its namespace and dimension names. */
export function serviceOf(namespace: string, dimensionNames: readonly string[]): CatalogService | undefined {
  return CATALOG_SERVICES.find((s) => s.namespace === namespace && s.resourceDimensions.every((d) => dimensionNames.includes(d)));
}

/**
 * True when a metric is its catalog service's headline metric (EC2 CPUUtilization, RDS
 * CPUUtilization, Lambda Invocations, ...). Metrics outside the catalog (custom ones) are not.
 */
export function isHeadline(ref: { namespace: string; metricName: string; dimensions: readonly { name: string }[] }): boolean {
  const service = serviceOf(ref.namespace, ref.dimensions.map((d) => d.name));
  const headline = service?.metrics[0];
  if (!service || !headline || headline.metricName !== ref.metricName) return false;
  // Same name, other dimensions (CloudFront's per-Region copies) are still the headline only with the entry's exact dimensions.
  return hasExactDimensions({ namespace: service.namespace, metricName: headline.metricName, stat: headline.stat, dimensions: [...service.resourceDimensions, ...(headline.extraDimensions ?? [])] }, ref.dimensions.map((d) => d.name));
}

/** True when `names` are exactly the entry's dimension names. */
export function hasExactDimensions(entry: CatalogEntry, names: readonly string[]): boolean {
  if (names.length !== entry.dimensions.length) return false;
  return entry.dimensions.every((name) => names.includes(name));
}

/** True when a listed metric's dimensions are the entry's, with the fixed values where it has any. */
export function matchesEntry(entry: CatalogEntry, dimensions: readonly { name: string; value: string }[]): boolean {
  if (!hasExactDimensions(entry, dimensions.map((d) => d.name))) return false;
  return Object.entries(entry.fixed ?? {}).every(([name, value]) => dimensions.some((d) => d.name === name && d.value === value));
}
