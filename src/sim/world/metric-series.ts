/**
 * The CloudWatch metrics of a region's resources and their values: a smooth daily shape
 * (peaking mid-afternoon UTC) plus noise, a pure function of (seed, series, timestamp).
 */
import { chance, hashString, mix, unit } from '../prng.js';
import type { RegionInventory } from './inventory.js';

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
}

function spec(namespace: string, metricName: string, dimension: Dimension, kind: SeriesKind, level: number, amplitude: number, noise: number): SeriesSpec {
  return { namespace, metricName, dimensions: [dimension], kind, level, amplitude, noise };
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
  }
  return out;
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
  if (series.level === 0) return 0;
  const hourOfDay = ((t % DAY_MS) + DAY_MS) % DAY_MS / 3_600_000;
  const daily = Math.sin((2 * Math.PI * (hourOfDay - 8)) / 24);
  const noise = (unit(mix(hash, Math.floor(t / 60_000))) - 0.5) * 2 * series.noise;
  const value = series.level * (1 + series.amplitude * daily + noise);
  return series.kind === 'percent' ? Math.min(100, Math.max(0, value)) : Math.max(0, value);
}

/** The statistic `stat` of the series over the period starting at `t`. Undefined for an unknown stat. */
export function statisticAt(series: SeriesSpec, hash: number, t: number, periodSec: number, stat: string): number | undefined {
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
