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
  Finding,
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
  alarms: AlarmState[];
  series: MetricSeries[];
  /** Regions that could not be read in this run, with the failure kind. */
  failedRegions: { region: string; kind: string }[];
}

export interface CostResult extends ResultBase {
  kind: 'cost';
  daily: DailyCost[];
  forecast: CostForecast | undefined;
  anomalies: CostAnomaly[];
  rightsizing: RightsizingRecommendation[];
}

export interface SecurityResult extends ResultBase {
  kind: 'security';
  findings: Finding[];
  /** Regions with no GuardDuty detector (GuardDuty not enabled there). */
  regionsWithoutDetector: string[];
}

/** One collector run's output for one account. */
export type CollectionResult = MetricsResult | CostResult | SecurityResult;

export interface ResultSink {
  write(result: CollectionResult, signal?: AbortSignal): Promise<void>;
  /** A collector's resume point for an account, e.g. the findings watermark. */
  getWatermark(tenantId: string, accountId: string, collector: CollectorKind): Promise<string | undefined>;
  setWatermark(tenantId: string, accountId: string, collector: CollectorKind, value: string): Promise<void>;
  /** Record an account's status (e.g. credentials rejected) so the tenant sees why. */
  setAccountStatus(tenantId: string, accountId: string, status: AccountStatus, reason?: string): Promise<void>;
  /** Wait for buffered writes to land. */
  flush(): Promise<void>;
}
