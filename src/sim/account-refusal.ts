/**
 * The refusals an account's own setup causes before any operation runs, in the order AWS checks:
 * authentication in the region (a disabled opt-in region), then IAM (a denied action), then the
 * service's enrolment (Cost Explorer not enabled, rightsizing not opted in). Keyed on service +
 * operation -> IAM action, so no service file needs to know.
 */
import type { AccountBook } from './account-book.js';
import type { RoleSession } from './credentials.js';
import { SimError, commonError } from './sim-error.js';
import type { SimService } from './types.js';

/** IAM action prefix per simulated service (SESv2 actions are `ses:`, CloudWatch's `cloudwatch:`). */
const IAM_PREFIX: Readonly<Record<SimService, string>> = { sts: 'sts', cloudwatch: 'cloudwatch', ce: 'ce', guardduty: 'guardduty', ses: 'ses', health: 'health', securityhub: 'securityhub' };

/** The IAM action an operation needs, e.g. `ce:GetCostAndUsage`. */
export function iamAction(service: SimService, operation: string): string {
  return `${IAM_PREFIX[service]}:${operation}`;
}

/** What the refusal check needs to know about a call. */
export interface RefusalInput {
  service: SimService;
  operation: string;
  /** The account of the identity making the call. */
  caller: string;
  region: string;
  /** The assumed-role session behind the access key, if the simulator issued it. */
  session: RoleSession | undefined;
}

/** The identity ARN AWS names in an access-denied message. */
function principal(input: RefusalInput): string {
  return input.session
    ? `arn:aws:sts::${input.caller}:assumed-role/${input.session.roleName}/${input.session.sessionName}`
    : `arn:aws:iam::${input.caller}:user/simulated-user`;
}

/**
 * The access-denied error each service sends. Sources:
 * - STS AssumeRole: `AccessDenied` 403 in the awsQuery `<ErrorResponse>` (STS API reference,
 *   AssumeRole "Errors" and Common Errors).
 * - CloudWatch: the query-era code `AccessDenied` 403 (what the AWS SDKs report for
 *   cloudwatch:* denials); on the JSON protocol it travels in `x-amzn-query-error`
 *   (awsQueryCompatible trait of the CloudWatch Smithy model).
 * - Cost Explorer: `AccessDeniedException`, HTTP 400 (Cost Explorer API reference, Common Errors).
 * - GuardDuty: `AccessDeniedException` 403 (modelled with @httpError(403) in guardduty.json).
 * - SESv2: `AccessDeniedException` 403 (not modelled; restJson1 services answer IAM denials with 403).
 * - AWS Health (awsJson1_1): `AccessDeniedException` 400, Coral's generic code as Cost Explorer's.
 * - Security Hub: `AccessDeniedException` 403 (modelled with @httpError(403) in securityhub.json).
 */
export function accessDenied(service: SimService, message: string): SimError {
  switch (service) {
    case 'sts':
      return new SimError('AccessDenied', message, { status: 403 });
    case 'cloudwatch':
      return new SimError('AccessDeniedException', message, { status: 403, queryCode: 'AccessDenied', namespace: 'com.amazon.coral.service' });
    case 'ce':
    case 'health':
      return new SimError('AccessDeniedException', message, { status: 400, namespace: 'com.amazon.coral.service' });
    case 'guardduty':
    case 'ses':
    case 'securityhub':
      return new SimError('AccessDeniedException', message, { status: 403 });
  }
}

/** The message AWS gives for an IAM denial (the current "because no identity-based policy allows" form). */
export function notAuthorized(who: string, action: string, resource?: string): string {
  const on = resource ? ` on resource: ${resource}` : '';
  return `User: ${who} is not authorized to perform: ${action}${on} because no identity-based policy allows the ${action} action`;
}

/** The error the account's setup makes this call fail with, or undefined when it may proceed. */
export function accountRefusal(accounts: AccountBook, input: RefusalInput): SimError | undefined {
  const { service, operation, caller, region } = input;
  // GetCallerIdentity needs no permission and works even under an explicit deny (STS API reference).
  if (service === 'sts' && operation === 'GetCallerIdentity') return undefined;
  // A disabled opt-in region removes all IAM access in it (Account Management API reference,
  // DisableRegion): its endpoints refuse the credentials as unknown ("The security token included
  // in the request is invalid"), while STS in the platform's region keeps working.
  if (service !== 'sts' && accounts.regionDisabled(caller, region)) return commonError(service, 'badCredentials', operation);
  const action = iamAction(service, operation);
  if (accounts.denies(caller, action)) return accessDenied(service, notAuthorized(principal(input), action));
  if (service === 'ce' && !accounts.costExplorerEnabled(caller)) {
    // What the Cost Explorer API answers until Cost Explorer is launched in the console (ce-enable).
    return accessDenied('ce', 'User not enabled for cost explorer access');
  }
  if (service === 'health' && !accounts.healthSubscription(caller)) {
    // AWS Health API reference ("AWS Health API", Overview): an account without a Business,
    // Enterprise On-Ramp or Enterprise Support plan gets SubscriptionRequiredException.
    return new SimError('SubscriptionRequiredException', 'The AWS Premium Support Subscription is required to use this service.', { status: 400, namespace: 'com.amazon.coral.service' });
  }
  if (service === 'securityhub' && !accounts.securityHubEnabled(caller, region)) {
    // Security Hub API reference, Common Errors / each operation's Errors: InvalidAccessException,
    // HTTP 401, "There is an issue with the account used to make the request. Either Security Hub
    // is not enabled for the account, or the account does not have permission to perform this action."
    return new SimError('InvalidAccessException', `Account ${caller} is not subscribed to AWS Security Hub`, { status: 401 });
  }
  if (service === 'ce' && operation === 'GetRightsizingRecommendation' && !accounts.rightsizingOptIn(caller)) {
    // The text AWS sends until rightsizing is enabled in Cost Explorer preferences (quoted in
    // harness/developer-hub#396; Cost Explorer user guide "Optimizing your costs with rightsizing").
    return accessDenied(
      'ce',
      "Rightsizing EC2 recommendation is an opt-in only feature. You can enable this feature from the PAYER account's Cost Explorer Preferences page. Normally it may take up to 24 hours in order to generate your rightsizing recommendations.",
    );
  }
  return undefined;
}
