/**
 * Every AWS operation the product calls for a tenant's account, with the IAM action it needs,
 * what it costs and which collector uses it. The onboarding policy, the permission check and the
 * failure-scope table in the README are derived from this table, so they cannot drift apart.
 *
 * Actions follow the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html):
 * each API operation of CloudWatch, Cost Explorer, GuardDuty, AWS Health and Security Hub has an
 * action of the same name. The rows live in the collectors' descriptors (src/collectors).
 */
import { COLLECTOR_OPERATIONS, type Billing, type OperationSpec } from '../collectors/index.js';
import type { AwsService } from '../domain/gateway.js';
import type { CollectorKind } from '../domain/tenant.js';

/** The tenant-account services a collector calls (SigV4 signing names aside, as the adapters name them). */
export type TenantService = AwsService;

export type { Billing };

/** One operation of a collector's descriptor, with the collector that calls it. */
export type OperationAction = OperationSpec & { collector: CollectorKind };

/** The table (order: the collectors' display order, then as a collector run calls them), from the descriptors. */
export const OPERATION_ACTIONS: readonly OperationAction[] = COLLECTOR_OPERATIONS;

/** Each service's product name, as AWS writes it. */
export const SERVICE_NAMES: Record<TenantService, string> = { cloudwatch: 'CloudWatch', ce: 'Cost Explorer', guardduty: 'GuardDuty', health: 'AWS Health', securityhub: 'Security Hub' };

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
