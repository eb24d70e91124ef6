/**
 * Where collectors write what they collected. The store implements it on DynamoDB; tests use
 * an in-memory one. Writes are idempotent: writing the same result twice stores it once.
 */
import type { AccountStatus, CollectorKind } from './tenant.js';
import type {
  AlarmState,
  CostAnomaly,
  CostForecast,
  DailyCost,
  MonthlyCost,
  ComplianceStandard,
  Finding,
  HealthEvent,
  MetricSeries,
  RightsizingRecommendation,
} from './records.js';

interface ResultBase {
  tenantId: string;
  accountId: string;
  /** When the collection finished (ISO-8601). */
  collectedAt: string;
}

export interface MetricsResult extends ResultBase {
  kind: 'metrics';
  /** Alarm states of the regions whose DescribeAlarms succeeded (each listed in `alarmRegions`). */
  alarms: AlarmState[];
  /** Regions whose alarm list was read in this run: only they replace their stored snapshot. */
  alarmRegions: string[];
  series: MetricSeries[];
  /**
   * Regions whose series hold every metric of the account there (all tiers were due and fetched):
   * the store packs them into hour items; the other regions' series are the freshest points
   * only. Absent: every region is complete.
   */
  completeRegions?: string[];
  /**
   * Every series the account's discovery found (what a full poll would fetch), without points: the
   * store's catalog of what can be charted. Absent: left as it is.
   */
  catalog?: Omit<MetricSeries, 'points'>[];
}

/** A cost run's parts; a part is undefined when its step failed or was not due (nothing to store). */
export interface CostResult extends ResultBase {
  kind: 'cost';
  daily?: DailyCost[];
  /** Whole months' cost by service (the one-off history of a new account). */
  monthly?: MonthlyCost[];
  forecast?: CostForecast;
  anomalies?: CostAnomaly[];
  rightsizing?: RightsizingRecommendation[];
}

export interface SecurityResult extends ResultBase {
  kind: 'security';
  findings: Finding[];
}

/** AWS Health events of the account (open, upcoming and recently closed): replaces the stored list. */
export interface HealthResult extends ResultBase {
  kind: 'health';
  events: HealthEvent[];
}

/**
 * Security Hub: the standards of the regions read in this run (each region listed in
 * `standardRegions` replaces its stored scores) and findings updated since the watermark, other
 * than GuardDuty's (the security collector stores those already).
 */
export interface ComplianceResult extends ResultBase {
  kind: 'compliance';
  standards: ComplianceStandard[];
  standardRegions: string[];
  findings: Finding[];
}

/** A classified failure as it is stored and shown (never a secret, never AWS's message text). */
export interface StepError {
  /** The failure kind (`AwsFailureKind`, or `bug`, `timeout`, `breaker_open`, `aborted`). */
  kind: string;
  /** The AWS error code or our own stable code. */
  code: string;
  /** The IAM action the step needs, when the failure is a missing permission. */
  action?: string;
  message: string;
  /** When the latest attempt failed. */
  at: string;
  /** When this failure began: the first of consecutive failures with the same kind and code. */
  since?: string;
}

/**
 * One independent step of a collector run for one account: an AWS operation, in one region for
 * regional services. Steps fail alone; what the others produced is stored.
 */
export interface StepRecord {
  /** Stable id: `<Operation>` or `<Operation>@<region>`. */
  step: string;
  operation: string;
  region?: string;
  lastAttemptAt: string;
  lastSuccessAt?: string;
  /** The latest attempt's failure; absent when it succeeded. */
  error?: StepError;
}

/** What a collector's runs have done for one account, kept across restarts. */
export interface RunStatus {
  tenantId: string;
  accountId: string;
  collector: CollectorKind;
  /** The account revision the steps ran against (an update starts afresh). */
  accountRevision: number;
  /** When the latest run started (ISO-8601). */
  lastRunAt: string;
  /** When a run last stored anything for the account; absent: never collected yet. */
  lastDataAt?: string;
  /** When a run last completed with every step ok. */
  lastSuccessAt?: string;
  steps: StepRecord[];
}

/** One collector run's output for one account. */
export type CollectionResult = MetricsResult | CostResult | SecurityResult | HealthResult | ComplianceResult;

export interface ResultSink {
  write(result: CollectionResult, signal?: AbortSignal): Promise<void>;
  /** A collector's resume point for an account, e.g. the findings watermark. */
  getWatermark(tenantId: string, accountId: string, collector: CollectorKind): Promise<string | undefined>;
  setWatermark(tenantId: string, accountId: string, collector: CollectorKind, value: string): Promise<void>;
  /** The latest status of a collector's runs for an account, if any was recorded. */
  getRunStatus(tenantId: string, accountId: string, collector: CollectorKind, signal?: AbortSignal): Promise<RunStatus | undefined>;
  /**
   * Record a run's status (one item per account and collector, replaced by each run). `previous`
   * is the status it replaces, so a wrapper can act on the transition before it is overwritten.
   */
  putRunStatus(status: RunStatus, previous: RunStatus | undefined, signal?: AbortSignal): Promise<void>;
  /** Record an account's status (e.g. credentials rejected) so the tenant sees why. */
  setAccountStatus(tenantId: string, accountId: string, status: AccountStatus, reason?: string): Promise<void>;
  /** Wait for buffered writes to land. */
  flush(): Promise<void>;
}
