/** Plain domain records the AWS adapters return and the store persists. Times are ISO-8601 strings. */

/** A CloudWatch alarm's state, the basis of an account's health. */
export interface AlarmState {
  region: string;
  name: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  reason?: string;
  metricName?: string;
  namespace?: string;
  updatedAt: string;
  /** The alarm's ARN (its identity across renames of nothing: names are unique per region). */
  arn?: string;
  /** When the state value last changed (StateTransitionedTimestamp); `updatedAt` also moves when only the reason changes. */
  transitionedAt?: string;
  /** The alarm's rule, for drawing it on its metric's chart (metric alarms only). */
  threshold?: number;
  /** CloudWatch's ComparisonOperator, e.g. `GreaterThanThreshold`. */
  comparison?: string;
  statistic?: string;
  dimensions?: { name: string; value: string }[];
}

/** A metric to fetch, found through ListMetrics. */
export interface MetricRef {
  namespace: string; // 'AWS/EC2', 'AWS/RDS', 'AWS/Lambda', 'AWS/ApplicationELB', ...
  metricName: string; // 'CPUUtilization', ...
  dimensions: { name: string; value: string }[];
  /** Statistic to request, e.g. 'Average'. */
  stat: string;
  /** Period to request when it differs from the collector's (e.g. 86400 for S3's daily storage metrics). */
  periodSec?: number;
}

/** One datapoint. */
export interface Point {
  t: string;
  v: number;
}

/** A metric's values over a window, oldest first. */
export interface MetricSeries {
  region: string;
  metric: MetricRef;
  /** A readable id of the resource, e.g. the instance id. */
  resourceId: string;
  periodSec: number;
  points: Point[];
}

/** One day's unblended cost of one service. `day` is YYYY-MM-DD (UTC). */
export interface DailyCost {
  day: string;
  service: string;
  amountUsd: number;
  /** Cost Explorer's REGION of the cost (e.g. `us-east-1`, `global`); absent where not asked for. */
  region?: string;
}

/** One calendar month's unblended cost of one service (Cost Explorer MONTHLY). `month` is YYYY-MM. */
export interface MonthlyCost {
  month: string;
  service: string;
  amountUsd: number;
  /** As in DailyCost. */
  region?: string;
}

/** Cost Explorer's forecast for a period. */
export interface CostForecast {
  start: string;
  end: string;
  meanUsd: number;
  lowerUsd?: number;
  upperUsd?: number;
}

/** A Cost Explorer anomaly. */
export interface CostAnomaly {
  id: string;
  service?: string;
  startDay: string;
  endDay?: string;
  impactUsd: number;
  score?: number;
  /** What AWS Cost Anomaly Detection names as the causes (service, region, account, usage type). */
  rootCauses?: CostRootCause[];
}

/** One root cause of a cost anomaly, as Cost Explorer's GetAnomalies gives it. */
export interface CostRootCause {
  service?: string;
  region?: string;
  linkedAccount?: string;
  usageType?: string;
}

/** A Cost Explorer rightsizing recommendation. */
export interface RightsizingRecommendation {
  resourceId: string;
  action: 'Modify' | 'Terminate';
  currentType?: string;
  targetType?: string;
  region?: string;
  monthlySavingUsd: number;
}

/** A GuardDuty finding. Severity is stored as the number; the band is derived on read. */
export interface Finding {
  id: string;
  region: string;
  detectorId: string;
  type: string;
  title: string;
  description: string;
  severity: number;
  resourceType?: string;
  resourceId?: string;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  count: number;
}

/** GuardDuty severity bands (AWS-FACTS.md "Severity"). */
export type SeverityBand = 'low' | 'medium' | 'high' | 'critical';

/** Map a GuardDuty numeric severity to its band: Low 1.0-3.9, Medium 4.0-6.9, High 7.0-8.9, Critical 9.0-10.0. */
export function severityBand(severity: number): SeverityBand {
  if (severity >= 9) return 'critical';
  if (severity >= 7) return 'high';
  if (severity >= 4) return 'medium';
  return 'low';
}

/**
 * An AWS Health event affecting the account: an issue (an outage), a scheduled change
 * (maintenance) or an account notification. Times are ISO-8601.
 */
export interface HealthEvent {
  arn: string;
  service: string;
  eventTypeCode: string;
  category: 'issue' | 'scheduledChange' | 'accountNotification' | 'investigation';
  /** `global` for events not tied to a region. */
  region: string;
  status: 'open' | 'upcoming' | 'closed';
  startTime?: string;
  endTime?: string;
  lastUpdatedTime: string;
  /** The account's affected resources (ids or ARNs), as DescribeAffectedEntities lists them; capped. */
  affectedEntities: string[];
}

/** A Security Hub control that failed (an active finding with compliance status FAILED). */
export interface FailedControl {
  controlId: string;
  title: string;
  /** Security Hub's label: INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL. */
  severity: string;
  /** The AWS documentation page on remediating it. */
  remediationUrl?: string;
  /** Resources failing it (capped). */
  resources: string[];
}

/** One enabled Security Hub standard in one region, with its compliance score. */
export interface ComplianceStandard {
  region: string;
  standardsArn: string;
  /** e.g. "AWS Foundational Security Best Practices v1.0.0". */
  name: string;
  /** Enabled controls in the standard. */
  totalControls: number;
  /** Enabled controls with no failed active finding. */
  passedControls: number;
  failedControls: FailedControl[];
}
