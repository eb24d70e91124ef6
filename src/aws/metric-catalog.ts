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

/** The default catalog: 3 metrics per EC2 instance, RDS instance, Lambda function and ALB. */
export const DEFAULT_METRIC_CATALOG: readonly CatalogEntry[] = [
  { namespace: 'AWS/EC2', metricName: 'CPUUtilization', stat: 'Average', dimensions: ['InstanceId'] },
  { namespace: 'AWS/EC2', metricName: 'NetworkOut', stat: 'Sum', dimensions: ['InstanceId'] },
  { namespace: 'AWS/EC2', metricName: 'StatusCheckFailed', stat: 'Maximum', dimensions: ['InstanceId'] },
  { namespace: 'AWS/RDS', metricName: 'CPUUtilization', stat: 'Average', dimensions: ['DBInstanceIdentifier'] },
  { namespace: 'AWS/RDS', metricName: 'DatabaseConnections', stat: 'Average', dimensions: ['DBInstanceIdentifier'] },
  { namespace: 'AWS/RDS', metricName: 'FreeStorageSpace', stat: 'Minimum', dimensions: ['DBInstanceIdentifier'] },
  { namespace: 'AWS/Lambda', metricName: 'Invocations', stat: 'Sum', dimensions: ['FunctionName'] },
  { namespace: 'AWS/Lambda', metricName: 'Errors', stat: 'Sum', dimensions: ['FunctionName'] },
  { namespace: 'AWS/Lambda', metricName: 'Duration', stat: 'Average', dimensions: ['FunctionName'] },
  { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', stat: 'Sum', dimensions: ['LoadBalancer'] },
  { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_ELB_5XX_Count', stat: 'Sum', dimensions: ['LoadBalancer'] },
  { namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', stat: 'Average', dimensions: ['LoadBalancer'] },
];

/** True when `names` are exactly the entry's dimension names. */
export function hasExactDimensions(entry: CatalogEntry, names: readonly string[]): boolean {
  if (names.length !== entry.dimensions.length) return false;
  return entry.dimensions.every((name) => names.includes(name));
}
