/**
 * The AWS operations the collectors use, one interface per service. `src/aws` implements them
 * with the real SDK clients; tests use fakes. Every call takes an AbortSignal, returns plain
 * records and throws only `AwsCallError` (classified) or an abort error.
 */
import type { Account } from './tenant.js';
import type {
  AlarmState,
  CostAnomaly,
  CostForecast,
  DailyCost,
  MonthlyCost,
  FailedControl,
  Finding,
  HealthEvent,
  MetricRef,
  MetricSeries,
  RightsizingRecommendation,
} from './records.js';

/** The account a call is made for (credentials are resolved by the adapter). */
export type AccountTarget = Pick<Account, 'id' | 'tenantId' | 'awsAccountId' | 'credentials' | 'metrics'>;

/** A time window; `start` inclusive, `end` exclusive. */
export interface TimeWindow {
  start: Date;
  end: Date;
}

/** Days as YYYY-MM-DD (UTC); `end` exclusive, as Cost Explorer takes them. */
export interface DayRange {
  start: string;
  end: string;
}

export interface CloudWatchGateway {
  describeAlarms(target: AccountTarget, region: string, signal: AbortSignal): Promise<AlarmState[]>;
  /** Discover the metrics worth fetching (EC2, RDS, Lambda, load balancers). */
  listMetrics(target: AccountTarget, region: string, signal: AbortSignal): Promise<MetricRef[]>;
  /**
   * Every metric ListMetrics shows in a namespace (all namespaces when undefined), up to `limit`:
   * what a tenant picks custom metrics from. Free.
   */
  browseMetrics?(target: AccountTarget, region: string, namespace: string | undefined, limit: number, signal: AbortSignal): Promise<Omit<MetricRef, 'stat'>[]>;
  /**
   * Fetch series for many metrics, batched up to 500 per call, pages followed. The account's
   * metric selection applies here: switched-off catalog metrics are dropped and its custom
   * metrics of `region` added, so a change costs nothing and applies at the next poll.
   */
  getMetricData(
    target: AccountTarget,
    region: string,
    metrics: MetricRef[],
    window: TimeWindow & { periodSec: number },
    signal: AbortSignal,
  ): Promise<MetricSeries[]>;
}

export interface CostExplorerGateway {
  getDailyCost(target: AccountTarget, range: DayRange, signal: AbortSignal): Promise<DailyCost[]>;
  /** Cost by service per calendar month over [start, end) (the month history of a new account). */
  getMonthlyCost(target: AccountTarget, range: DayRange, signal: AbortSignal): Promise<MonthlyCost[]>;
  getForecast(target: AccountTarget, range: DayRange, signal: AbortSignal): Promise<CostForecast>;
  getAnomalies(target: AccountTarget, range: DayRange, signal: AbortSignal): Promise<CostAnomaly[]>;
  getRightsizing(target: AccountTarget, signal: AbortSignal): Promise<RightsizingRecommendation[]>;
}

export interface GuardDutyGateway {
  listDetectors(target: AccountTarget, region: string, signal: AbortSignal): Promise<string[]>;
  /** Ids of findings with severity >= 1 updated at or after `updatedSince` (all when undefined). */
  listFindingIds(
    target: AccountTarget,
    region: string,
    detectorId: string,
    updatedSince: Date | undefined,
    signal: AbortSignal,
  ): Promise<string[]>;
  /** Findings by id, fetched in chunks of 50. */
  getFindings(target: AccountTarget, region: string, detectorId: string, ids: string[], signal: AbortSignal): Promise<Finding[]>;
}

/** AWS Health (global endpoint, us-east-1). Without Business/Enterprise support: SubscriptionRequiredException (`feature`). */
export interface HealthGateway {
  /** Open and upcoming events, and those closed since `closedSince`, of every category; pages followed. */
  describeEvents(target: AccountTarget, closedSince: Date, signal: AbortSignal): Promise<Omit<HealthEvent, 'affectedEntities'>[]>;
  /** The account's entities affected by each event (by event ARN), up to `perEvent` each. */
  describeAffectedEntities(target: AccountTarget, eventArns: string[], perEvent: number, signal: AbortSignal): Promise<Map<string, string[]>>;
}

/** An enabled standard as GetEnabledStandards lists it. */
export interface EnabledStandard {
  subscriptionArn: string;
  standardsArn: string;
}

/** A control of a standard as DescribeStandardsControls lists it. */
export interface StandardControl {
  controlId: string;
  title: string;
  enabled: boolean;
  severity: string;
  remediationUrl?: string;
}

/** A control's failing resources, from the active FAILED control findings. */
export interface ControlFailure extends Pick<FailedControl, 'controlId' | 'resources'> {
  /** StandardsIds the finding is associated with (`standards/aws-foundational-security-best-practices/v/1.0.0`). */
  standards: string[];
}

/** A Security Hub finding: its product (GuardDuty's are left out), and its control when it is a control check. */
export type SecurityHubFinding = Finding & { productName: string; controlId?: string };

/** Security Hub, per region. Not enabled in a region: InvalidAccessException (`feature`). */
export interface SecurityHubGateway {
  getEnabledStandards(target: AccountTarget, region: string, signal: AbortSignal): Promise<EnabledStandard[]>;
  describeStandardsControls(target: AccountTarget, region: string, subscriptionArn: string, signal: AbortSignal): Promise<StandardControl[]>;
  /** Active findings with workflow NEW or NOTIFIED updated at or after `updatedSince`, pages followed. */
  getFindings(target: AccountTarget, region: string, updatedSince: Date | undefined, signal: AbortSignal): Promise<SecurityHubFinding[]>;
  /** Active control findings whose compliance status is FAILED, grouped by control. */
  getFailedControls(target: AccountTarget, region: string, signal: AbortSignal): Promise<ControlFailure[]>;
}

/** The AWS services a breaker is kept for, per tenant. */
export type AwsService = 'cloudwatch' | 'ce' | 'guardduty' | 'health' | 'securityhub';

/** Everything the collectors may call. */
export interface AwsGateway {
  cloudwatch: CloudWatchGateway;
  costExplorer: CostExplorerGateway;
  guardDuty: GuardDutyGateway;
  health: HealthGateway;
  securityHub: SecurityHubGateway;
}
