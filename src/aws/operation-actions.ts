/**
 * Every AWS operation the product calls for a tenant's account, with the IAM action it needs,
 * what it costs and which collector uses it. The onboarding policy, the permission check and the
 * failure-scope table in the README are derived from this table, so they cannot drift apart.
 *
 * Actions follow the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html):
 * each API operation of CloudWatch, Cost Explorer and GuardDuty has an action of the same name.
 */

/** The tenant-account services a collector calls (SigV4 signing names aside, as the adapters name them). */
export type TenantService = 'cloudwatch' | 'ce' | 'guardduty';

/** How AWS bills an operation to the tenant (../shared/AWS-FACTS.md). */
export type Billing = 'free' | 'per-request' | 'per-metric';

export interface OperationAction {
  service: TenantService;
  operation: string;
  /** The IAM action the role's policy must allow. */
  action: string;
  /** Regional (called once per monitored region) or global (Cost Explorer: us-east-1 only). */
  regional: boolean;
  billing: Billing;
  /** The collector that calls it. */
  collector: 'metrics' | 'cost' | 'security';
  /** What the tenant loses while it is denied. */
  purpose: string;
  /**
   * An opt-in or enablement AWS may refuse it for even when the action is allowed; AWS answers
   * both with the same AccessDenied code, so the remedy names both.
   */
  optIn?: { what: string; consoleUrl: string };
}

const CE_CONSOLE = 'https://us-east-1.console.aws.amazon.com/costmanagement/home#/cost-explorer';

/** The table (order: as a collector run calls them). */
export const OPERATION_ACTIONS: readonly OperationAction[] = [
  { service: 'cloudwatch', operation: 'DescribeAlarms', action: 'cloudwatch:DescribeAlarms', regional: true, billing: 'free', collector: 'metrics', purpose: 'alarm states (health)' },
  { service: 'cloudwatch', operation: 'ListMetrics', action: 'cloudwatch:ListMetrics', regional: true, billing: 'free', collector: 'metrics', purpose: 'discovering resources to chart' },
  { service: 'cloudwatch', operation: 'GetMetricData', action: 'cloudwatch:GetMetricData', regional: true, billing: 'per-metric', collector: 'metrics', purpose: 'metric charts' },
  {
    service: 'ce', operation: 'GetCostAndUsage', action: 'ce:GetCostAndUsage', regional: false, billing: 'per-request', collector: 'cost', purpose: 'daily cost by service',
    optIn: { what: 'Cost Explorer must be enabled for the account (Billing console > Cost Explorer > Launch Cost Explorer); data appears within 24 hours', consoleUrl: CE_CONSOLE },
  },
  {
    service: 'ce', operation: 'GetCostForecast', action: 'ce:GetCostForecast', regional: false, billing: 'per-request', collector: 'cost', purpose: 'the month\'s forecast',
    optIn: { what: 'Cost Explorer must be enabled for the account', consoleUrl: CE_CONSOLE },
  },
  {
    service: 'ce', operation: 'GetAnomalies', action: 'ce:GetAnomalies', regional: false, billing: 'per-request', collector: 'cost', purpose: 'cost anomalies',
    optIn: { what: 'Cost Explorer must be enabled for the account', consoleUrl: CE_CONSOLE },
  },
  {
    service: 'ce', operation: 'GetRightsizingRecommendation', action: 'ce:GetRightsizingRecommendation', regional: false, billing: 'per-request', collector: 'cost', purpose: 'EC2 rightsizing recommendations',
    optIn: { what: 'rightsizing recommendations are opt-in: Cost Explorer > Preferences > "Receive Amazon EC2 resource recommendations" (in the payer account)', consoleUrl: `${CE_CONSOLE}/preferences` },
  },
  { service: 'guardduty', operation: 'ListDetectors', action: 'guardduty:ListDetectors', regional: true, billing: 'free', collector: 'security', purpose: 'finding GuardDuty in each region' },
  { service: 'guardduty', operation: 'ListFindings', action: 'guardduty:ListFindings', regional: true, billing: 'free', collector: 'security', purpose: 'security findings' },
  { service: 'guardduty', operation: 'GetFindings', action: 'guardduty:GetFindings', regional: true, billing: 'free', collector: 'security', purpose: 'security finding details' },
];

const BY_OPERATION = new Map(OPERATION_ACTIONS.map((entry) => [`${entry.service}:${entry.operation}`, entry]));

/** The table's entry for a service's operation, when the product calls it for tenants. */
export function operationAction(service: string, operation: string): OperationAction | undefined {
  return BY_OPERATION.get(`${service}:${operation}`);
}

/** The IAM policy document the onboarding shows: exactly the actions in the table. */
export function permissionPolicy(): { Version: '2012-10-17'; Statement: { Sid: string; Effect: 'Allow'; Action: string[]; Resource: '*' }[] } {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'CloudHealthReadOnly', Effect: 'Allow', Action: OPERATION_ACTIONS.map((entry) => entry.action), Resource: '*' }],
  };
}
