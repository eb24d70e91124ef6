/** The per-instance input of the EC2 rules, and its derivation from collected metric series. */
import type { MetricSeries, Point } from '../domain/records.js';

/** One EC2 instance's CPU history. */
export interface Ec2Instance {
  instanceId: string;
  region: string;
  /** e.g. `m5.large`; lets the price table give the instance's cost. Unknown from CloudWatch alone. */
  instanceType?: string;
  /** CPUUtilization (Average) datapoints, any period, oldest first or not. */
  cpu: readonly Point[];
}

/**
 * Pick the per-instance EC2 CPUUtilization series out of collected series. CloudWatch's
 * per-instance series carry only the `InstanceId` dimension, so the type comes from
 * `instanceTypes` (instance id -> type) when the caller knows it.
 */
export function ec2InstancesFromSeries(
  series: readonly MetricSeries[],
  instanceTypes: Readonly<Record<string, string>> = {},
): Ec2Instance[] {
  const instances: Ec2Instance[] = [];
  for (const s of series) {
    if (s.metric.namespace !== 'AWS/EC2' || s.metric.metricName !== 'CPUUtilization') continue;
    const id = s.metric.dimensions.find((d) => d.name === 'InstanceId')?.value;
    if (id === undefined || s.metric.dimensions.length !== 1) continue;
    const instanceType = Object.hasOwn(instanceTypes, id) ? instanceTypes[id] : undefined;
    instances.push({ instanceId: id, region: s.region, ...(instanceType ? { instanceType } : {}), cpu: s.points });
  }
  return instances;
}
