/** Collected metric series regrouped per resource, the input shape of the service rules. */
import type { MetricSeries, Point } from '../domain/records.js';

/** One resource's datapoints of one metric, every dimension variant (e.g. DynamoDB's Operation) merged. */
export interface ResourcePoints {
  resourceId: string;
  region: string;
  points: Point[];
}

/**
 * The points of `namespace`/`metricName` per (region, resource), from series as the store returns
 * them (one piece per stored hour). Points of one timestamp from several dimension variants are
 * summed, so a table's throttled requests of every operation add up; points that are not finite
 * are dropped.
 */
export function pointsByResource(series: readonly MetricSeries[], namespace: string, metricName: string): ResourcePoints[] {
  const byResource = new Map<string, { resourceId: string; region: string; sums: Map<string, number> }>();
  for (const s of series) {
    if (s.metric.namespace !== namespace || s.metric.metricName !== metricName) continue;
    const key = JSON.stringify([s.region, s.resourceId]);
    const entry = byResource.get(key) ?? { resourceId: s.resourceId, region: s.region, sums: new Map<string, number>() };
    for (const p of s.points) {
      if (!Number.isFinite(p.v) || Number.isNaN(Date.parse(p.t))) continue;
      entry.sums.set(p.t, (entry.sums.get(p.t) ?? 0) + p.v);
    }
    byResource.set(key, entry);
  }
  return [...byResource.values()].map(({ resourceId, region, sums }) => ({
    resourceId,
    region,
    points: [...sums].map(([t, v]) => ({ t, v })).sort((a, b) => Date.parse(a.t) - Date.parse(b.t)),
  }));
}
