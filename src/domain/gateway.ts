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
  Finding,
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

/** The AWS services a breaker is kept for, per tenant. */
export type AwsService = 'cloudwatch' | 'ce' | 'guardduty';

/** Everything the collectors may call. */
export interface AwsGateway {
  cloudwatch: CloudWatchGateway;
  costExplorer: CostExplorerGateway;
  guardDuty: GuardDutyGateway;
}
