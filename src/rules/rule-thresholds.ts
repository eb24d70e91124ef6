/**
 * The tunable figures of every rule, with documented defaults. Comparisons are strict where the
 * rule says "below"/"above" and inclusive where it says "at least", so a value exactly at a
 * threshold behaves as each field's comment states.
 */
import { AppError } from '../domain/errors.js';

export interface RuleThresholds {
  /** EC2 idle: the max daily-average CPU % strictly below this -> stop it. Default 5 (peers' "stop it" rule). */
  ec2IdleCpuPct: number;
  /** EC2 underused: the max daily-average CPU % strictly below this -> downsize one size. Default 20. */
  ec2UnderusedCpuPct: number;
  /** Whole UTC days (ending yesterday) the idle/underused rule looks at. Default 14. */
  ec2LookbackDays: number;
  /** Days with CPU data needed in that window before judging. Default 14 (every day). */
  ec2MinDays: number;
  /** EC2 hot: a datapoint counts as hot when strictly above this CPU %. Default 80. */
  ec2HotCpuPct: number;
  /** EC2 hot: share of datapoints (0-1) that must be hot, inclusive. Default 0.75. */
  ec2HotShare: number;
  /** Whole UTC days the hot rule looks at. Default 7. */
  ec2HotLookbackDays: number;
  /** Days with data needed in that window; below the window so a stopped weekend does not hide a pegged instance. Default 5. */
  ec2HotMinDays: number;
  /** Cost spike: the day's cost must be strictly above mean + this many standard deviations. Default 3. */
  costSpikeStdDevs: number;
  /** Cost spike: and strictly more than this many USD above the mean (guards flat histories where sigma is 0). Default 10. */
  costSpikeMinIncreaseUsd: number;
  /** Days before the judged day that form its history. Default 14. */
  costSpikeHistoryDays: number;
  /** Days of that history with cost data needed first (Vantage needs ~12). Default 12. */
  costSpikeMinHistoryDays: number;
  /**
   * How many of the latest days are judged each run. Default 3: Cost Explorer revises a day for
   * a while after it ends, so a spike may only show once the day is complete.
   */
  costSpikeRecentDays: number;
  /** Cost Explorer rightsizing: surfaced when its monthly saving is strictly above this USD. Default 0. */
  rightsizingMinSavingUsd: number;
  /** GuardDuty: open findings at or above this numeric severity become recommendations. Default 7 (High). */
  findingMinSeverity: number;
  /** SQS: a queue fires when its oldest message is strictly older than this many seconds in every datapoint of the window. Default 3600 (1 h). */
  sqsOldestMessageAgeSec: number;
  /** SQS: the window, in minutes before now, every datapoint of which must be over the age. Default 30. */
  sqsAgeWindowMinutes: number;
  /** DynamoDB: a table fires when its throttled requests over the lookback are strictly above this. Default 10. */
  dynamoThrottledRequestsMax: number;
  /** DynamoDB: hours before now the throttled requests are added over. Default 24. */
  dynamoThrottleLookbackHours: number;
  /** Lambda: a day's Errors / Invocations strictly above this % fires (peers' rule: 10 %). Default 10. */
  lambdaErrorRatePct: number;
  /** Lambda: a day is judged only with at least this many invocations. Default 20. */
  lambdaMinInvocations: number;
  /** Lambda: whole UTC days (ending yesterday) looked at. Default 7. */
  lambdaLookbackDays: number;
  /** A monthly USD impact at or above this is medium priority. Default 50. */
  priorityMediumUsd: number;
  /** A monthly USD impact at or above this is high priority. Default 500. */
  priorityHighUsd: number;
}

/** The defaults, frozen. */
export const DEFAULT_THRESHOLDS: Readonly<RuleThresholds> = Object.freeze({
  ec2IdleCpuPct: 5,
  ec2UnderusedCpuPct: 20,
  ec2LookbackDays: 14,
  ec2MinDays: 14,
  ec2HotCpuPct: 80,
  ec2HotShare: 0.75,
  ec2HotLookbackDays: 7,
  ec2HotMinDays: 5,
  costSpikeStdDevs: 3,
  costSpikeMinIncreaseUsd: 10,
  costSpikeHistoryDays: 14,
  costSpikeMinHistoryDays: 12,
  costSpikeRecentDays: 3,
  rightsizingMinSavingUsd: 0,
  findingMinSeverity: 7,
  sqsOldestMessageAgeSec: 3600,
  sqsAgeWindowMinutes: 30,
  dynamoThrottledRequestsMax: 10,
  dynamoThrottleLookbackHours: 24,
  lambdaErrorRatePct: 10,
  lambdaMinInvocations: 20,
  lambdaLookbackDays: 7,
  priorityMediumUsd: 50,
  priorityHighUsd: 500,
});

const WHOLE_DAYS: readonly (keyof RuleThresholds)[] = [
  'ec2LookbackDays',
  'ec2MinDays',
  'ec2HotLookbackDays',
  'ec2HotMinDays',
  'costSpikeHistoryDays',
  'costSpikeMinHistoryDays',
  'costSpikeRecentDays',
  'lambdaLookbackDays',
];

/**
 * Merge overrides onto the defaults and validate the result once, so every rule can trust its
 * figures. Throws `AppError('INVALID_THRESHOLDS')` (status 400, exposed: the message names the
 * field and is safe to show) when a value is out of range or two values contradict each other.
 */
export function resolveThresholds(overrides: Partial<RuleThresholds> = {}): RuleThresholds {
  const merged: RuleThresholds = { ...DEFAULT_THRESHOLDS };
  for (const key of Object.keys(DEFAULT_THRESHOLDS) as (keyof RuleThresholds)[]) {
    const value = overrides[key];
    if (value !== undefined) merged[key] = value;
  }
  const fail = (message: string): never => {
    throw new AppError('INVALID_THRESHOLDS', message, { status: 400, expose: true });
  };
  for (const [key, value] of Object.entries(merged)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(`${key} must be a non-negative number`);
  }
  for (const key of WHOLE_DAYS) {
    if (!Number.isInteger(merged[key]) || merged[key] < 1) fail(`${key} must be a whole number of days, at least 1`);
  }
  if (merged.ec2IdleCpuPct > merged.ec2UnderusedCpuPct) fail('ec2IdleCpuPct must not exceed ec2UnderusedCpuPct');
  if (merged.ec2MinDays > merged.ec2LookbackDays) fail('ec2MinDays must not exceed ec2LookbackDays');
  if (merged.ec2HotMinDays > merged.ec2HotLookbackDays) fail('ec2HotMinDays must not exceed ec2HotLookbackDays');
  if (merged.costSpikeMinHistoryDays > merged.costSpikeHistoryDays) fail('costSpikeMinHistoryDays must not exceed costSpikeHistoryDays');
  if (merged.ec2HotShare <= 0 || merged.ec2HotShare > 1) fail('ec2HotShare must be in (0, 1]');
  if (merged.findingMinSeverity > 10) fail('findingMinSeverity must be at most 10');
  if (merged.lambdaErrorRatePct > 100) fail('lambdaErrorRatePct must be at most 100');
  if (merged.sqsAgeWindowMinutes <= 0 || merged.dynamoThrottleLookbackHours <= 0) fail('sqsAgeWindowMinutes and dynamoThrottleLookbackHours must be above 0');
  if (merged.priorityMediumUsd <= 0 || merged.priorityMediumUsd >= merged.priorityHighUsd) {
    fail('priorityMediumUsd must be above 0 and below priorityHighUsd');
  }
  return merged;
}
