/**
 * How often each step of each collector runs: one table, read by the jobs (is a step due?), the
 * fee projection (what a month of it costs) and the budget cap (how far the paid steps are
 * stretched). A collector ticks at its fastest step's cadence; at each tick a step runs only when
 * its own cadence has passed since its last success, which is persisted in the run status — so a
 * restart resumes every step's schedule where it was and costs no extra paid call.
 *
 * Fees (AWS-FACTS.md): DescribeAlarms, ListMetrics and GuardDuty are free; GetMetricData bills
 * $0.01 per 1,000 metrics requested whatever the window, so a metric fetched hourly brings its
 * twelve 5-minute points for the price of one; Cost Explorer bills $0.01 per request (page).
 */
import type { CollectorKind } from '../domain/tenant.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** One step's schedule. */
export interface StepCadence {
  /** What the step keeps fresh, as the dashboard names it. */
  data: string;
  /** Target time between two successful runs, before any budget stretch. */
  everyMs: number;
  /** True when AWS bills the step: only these are stretched under a budget cap. */
  paid: boolean;
}

/**
 * The step keys: `<Operation>` or `<Operation>:<part>` when one operation serves several data
 * kinds at different cadences (the headline metrics and the others, recent days and the month).
 */
export const STEP_CADENCES = {
  metrics: {
    DescribeAlarms: { data: 'Alarm states (health)', everyMs: 5 * MIN, paid: false },
    ListMetrics: { data: 'Resource discovery', everyMs: 6 * HOUR, paid: false },
    'GetMetricData:headline': { data: 'Headline metric of each resource', everyMs: 15 * MIN, paid: true },
    'GetMetricData:other': { data: 'Other metrics', everyMs: HOUR, paid: true },
  },
  security: {
    ListFindings: { data: 'GuardDuty findings', everyMs: 15 * MIN, paid: false },
  },
  cost: {
    // AWS revises the last days' cost after the fact (estimated until the bill closes, refreshed
    // up to three times a day): the recent days are fetched twice a day, the whole month once.
    'GetCostAndUsage:recent': { data: 'Daily cost (recent days)', everyMs: 12 * HOUR, paid: true },
    'GetCostAndUsage:month': { data: 'Daily cost (month backfill)', everyMs: DAY, paid: true },
    GetCostForecast: { data: 'Cost forecast', everyMs: DAY, paid: true },
    GetAnomalies: { data: 'Cost anomalies', everyMs: DAY, paid: true },
    GetRightsizingRecommendation: { data: 'Rightsizing recommendations', everyMs: DAY, paid: true },
  },
  // The AWS Health API and Security Hub's read calls are free (AWS-FACTS.md). Health events
  // change over hours; Security Hub re-runs most periodic checks every 12 or 24 hours.
  health: {
    DescribeEvents: { data: 'AWS Health events', everyMs: 30 * MIN, paid: false },
    DescribeAffectedEntities: { data: 'Resources AWS Health events affect', everyMs: 30 * MIN, paid: false },
  },
  compliance: {
    GetEnabledStandards: { data: 'Security Hub standards', everyMs: HOUR, paid: false },
    DescribeStandardsControls: { data: 'Security Hub compliance scores', everyMs: HOUR, paid: false },
    GetFindings: { data: 'Security Hub failed controls and findings', everyMs: HOUR, paid: false },
  },
} as const satisfies Record<CollectorKind, Record<string, StepCadence>>;

export type StepKey<K extends CollectorKind> = keyof (typeof STEP_CADENCES)[K] & string;

/**
 * How often each collector ticks by default: its fastest step's cadence (a tick where nothing is
 * due calls nothing). The collectors' descriptors take their production cadence from it.
 */
export const COLLECTOR_TICK_MS: Record<CollectorKind, number> = {
  metrics: 5 * MIN,
  security: 15 * MIN,
  cost: HOUR,
  health: 30 * MIN,
  compliance: HOUR,
};

/**
 * The cadence of a step, stretched by `stretch` (>= 1) when it is paid; free steps never stretch.
 * A collector configured to tick faster than its default (demo mode's 1-minute metrics, tests'
 * seconds) runs every step proportionally faster (`intervalMs` / default tick, at most 1): the
 * operator asked for fresher data and its fees, and each step keeps its place in the tiers.
 */
export function cadenceOf<K extends CollectorKind>(kind: K, key: StepKey<K>, stretch = 1, intervalMs = COLLECTOR_TICK_MS[kind]): number {
  const cadence = (STEP_CADENCES[kind] as Record<string, StepCadence>)[key];
  if (!cadence) throw new Error(`no cadence for ${kind} step ${key}`);
  const pace = Math.min(1, intervalMs / COLLECTOR_TICK_MS[kind]);
  return (cadence.paid ? cadence.everyMs * Math.max(1, stretch) : cadence.everyMs) * pace;
}

/**
 * Half a tick of slack: a step due at the same tick as its last success plus its cadence is run
 * even when this tick started a few ms earlier in its slot than the last one did.
 */
export function dueSlackMs(tickMs: number): number {
  return tickMs / 2;
}
