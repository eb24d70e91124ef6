/**
 * Which CloudWatch metrics the metrics collector discovers and fetches. Every entry costs
 * GetMetricData fees per resource per poll, so the list is short: what the dashboard and the
 * rules (idle/hot instances, RDS CPU and connections, Lambda error rate, load balancer health)
 * use. Only metrics with exactly the resource's own dimension are kept — not the per-AZ, per
 * target-group or per-version copies CloudWatch also publishes.
 */

/** One metric to discover: a namespace, a name, the statistic to fetch and its dimension names. */
export interface CatalogEntry {
  namespace: string;
  metricName: string;
  stat: string;
  /** The metric's dimension names, exactly (order free). */
  dimensions: readonly string[];
}

/**
 * The default catalog: 2 metrics per EC2 instance (CPU for the idle/hot rules, status checks for
 * health where the tenant has no alarm on them), 3 per RDS instance, Lambda function and ALB.
 * At a 15-minute cadence each metric costs $0.0288 per resource per month ($0.01 / 1,000 x 2,880
 * polls), so EC2 — usually the most numerous resource — gets the fewest.
 */
export const DEFAULT_METRIC_CATALOG: readonly CatalogEntry[] = [
  { namespace: 'AWS/EC2', metricName: 'CPUUtilization', stat: 'Average', dimensions: ['InstanceId'] },
  { namespace: 'AWS/EC2', metricName: 'StatusCheckFailed', stat: 'Maximum', dimensions: ['InstanceId'] },
  { namespace: 'AWS/RDS', metricName: 'CPUUtilization', stat: 'Average', dimensions: ['DBInstanceIdentifier'] },
  { namespace: 'AWS/RDS', metricName: 'DatabaseConnections', stat: 'Average', dimensions: ['DBInstanceIdentifier'] },
  { namespace: 'AWS/RDS', metricName: 'FreeStorageSpace', stat: 'Minimum', dimensions: ['DBInstanceIdentifier'] },
  { namespace: 'AWS/Lambda', metricName: 'Invocations', stat: 'Sum', dimensions: ['FunctionName'] },
  { namespace: 'AWS/Lambda', metricName: 'Errors', stat: 'Sum', dimensions: ['FunctionName'] },
  { namespace: 'AWS/Lambda', metricName: 'Duration', stat: 'Average', dimensions: ['FunctionName'] },
  { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', stat: 'Sum', dimensions: ['LoadBalancer'] },
  { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', stat: 'Sum', dimensions: ['LoadBalancer'] },
  { namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', stat: 'Average', dimensions: ['LoadBalancer'] },
];

/** True when `names` are exactly the entry's dimension names. */
export function hasExactDimensions(entry: CatalogEntry, names: readonly string[]): boolean {
  if (names.length !== entry.dimensions.length) return false;
  return entry.dimensions.every((name) => names.includes(name));
}
