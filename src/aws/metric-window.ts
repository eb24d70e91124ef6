/**
 * The metrics cadence. CloudWatch bills GetMetricData per metric requested, not per datapoint,
 * so a poll should bring several datapoints: by default a poll every 15 minutes
 * (METRICS_INTERVAL) asks for 5-minute periods (EC2 basic monitoring's resolution) — 3 new
 * points per metric — and re-reads the two periods before them for free, because CloudWatch
 * publishes basic metrics a few minutes late and the last periods of the previous poll may
 * have been missing or partial. Writes are idempotent, so the overlap only fills gaps.
 */
import type { TimeWindow } from '../domain/gateway.js';

/** Default GetMetricData period: 5 minutes. */
export const DEFAULT_METRIC_PERIOD_SEC = 300;

/** Default metrics poll interval the figures assume: 15 minutes (config METRICS_INTERVAL). */
export const DEFAULT_METRICS_INTERVAL_MS = 15 * 60_000;

/** Periods re-read before each poll's new ones. Default 2 (10 minutes of late data). */
export const DEFAULT_OVERLAP_PERIODS = 2;

/**
 * The window to fetch at `nowMs` for a poll every `intervalMs`: aligned to whole periods and
 * ending at the last complete one (a period still in progress would be stored half-filled).
 */
export function metricWindow(
  nowMs: number,
  intervalMs = DEFAULT_METRICS_INTERVAL_MS,
  periodSec = DEFAULT_METRIC_PERIOD_SEC,
  overlapPeriods = DEFAULT_OVERLAP_PERIODS,
): TimeWindow & { periodSec: number } {
  const periodMs = periodSec * 1000;
  const end = Math.floor(nowMs / periodMs) * periodMs;
  const periods = Math.max(1, Math.ceil(intervalMs / periodMs)) + overlapPeriods;
  return { start: new Date(end - periods * periodMs), end: new Date(end), periodSec };
}
