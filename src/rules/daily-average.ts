/** Aggregation of raw metric datapoints into UTC daily averages. */
import type { Point } from '../domain/records.js';
import { utcDayOf } from './utc-day.js';

/**
 * Average the points of each UTC day. Points whose time does not parse or whose value is not a
 * finite number are dropped: one bad datapoint should not hide a week of good ones. Daily
 * points (period 86400) pass through unchanged, so callers need not know the period.
 */
export function dailyAverages(points: readonly Point[]): Map<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const point of points) {
    if (!Number.isFinite(point.v)) continue;
    const day = utcDayOf(point.t);
    if (day === undefined) continue;
    const entry = sums.get(day) ?? { sum: 0, n: 0 };
    entry.sum += point.v;
    entry.n += 1;
    sums.set(day, entry);
  }
  const averages = new Map<string, number>();
  for (const [day, { sum, n }] of [...sums].sort(([a], [b]) => a.localeCompare(b))) averages.set(day, sum / n);
  return averages;
}
