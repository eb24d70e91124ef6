/** The per-instance input of the EC2 rules, and its derivation from collected metric series. */
import type { MetricSeries, Point } from '../domain/records.js';

/** One EC2 instance's CPU history. */
export interface Ec2Instance {
  instanceId: string;
  region: string;
  /** e.g. `m5.large`; lets the price table give the instance's cost. Unknown from CloudWatch alone. */
  instanceType?: string;
  /** CPUUtilization (Average) datapoints, any period, in any order. */
  cpu: readonly Point[];
}

/**
 * Pick the per-instance EC2 CPUUtilization series out of collected series, merging the pieces of
 * one instance (the store packs a series per hour, so a 14-day read returns many). CloudWatch's
 * per-instance series carry only the `InstanceId` dimension, so the type comes from
 * `instanceTypes` (instance id -> type) when the caller knows it.
 */
export function ec2InstancesFromSeries(
  series: readonly MetricSeries[],
  instanceTypes: Readonly<Record<string, string>> = {},
): Ec2Instance[] {
  const byInstance = new Map<string, { instanceId: string; region: string; cpu: Point[] }>();
  for (const s of series) {
    if (s.metric.namespace !== 'AWS/EC2' || s.metric.metricName !== 'CPUUtilization') continue;
    const id = s.metric.dimensions.find((d) => d.name === 'InstanceId')?.value;
    if (id === undefined || s.metric.dimensions.length !== 1) continue;
    const key = JSON.stringify([s.region, id]);
    const entry = byInstance.get(key) ?? { instanceId: id, region: s.region, cpu: [] };
    entry.cpu.push(...s.points);
    byInstance.set(key, entry);
  }
  return [...byInstance.values()].map((entry) => {
    const instanceType = Object.hasOwn(instanceTypes, entry.instanceId) ? instanceTypes[entry.instanceId] : undefined;
    return { ...entry, ...(instanceType ? { instanceType } : {}) };
  });
}
