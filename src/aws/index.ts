/** What other layers use of `src/aws`: the wired gateway, the mail sender, the billing ledger and prices, the metric catalog. */
export { createAwsGateway, type AwsAdapters, type AwsGatewayDeps } from './aws-gateway.js';
export { createMailSender, type MailMessage, type MailSender, type MailSenderOptions } from './mail-sender.js';
export { createMemoryBillingLedger, monthOf, type BillableKind, type BillingLedger, type BillingUsage } from './billing-ledger.js';
export { estimateFeeUsd, COST_EXPLORER_USD_PER_REQUEST, GET_METRIC_DATA_USD_PER_METRIC, type BillableCounts } from './aws-prices.js';
export { DEFAULT_METRIC_CATALOG, type CatalogEntry } from './metric-catalog.js';
export {
  ACCOUNT_MISMATCH,
  INVALID_ROLE_ARN,
  type AccountIdentity,
  type ConnectionCredentials,
  type ValidateAccount,
  type ValidateAccountRequest,
} from './validate-account.js';
export type { OpenSecret } from './credential-cache.js';
export { OPERATION_ACTIONS, SERVICE_NAMES, operationAction, permissionPolicy, type OperationAction } from './operation-actions.js';
export { stepAdvice, type StepAdvice, type StepState } from './step-remedy.js';
export type { CheckItem, CheckOptions, CheckPermissions, CheckResult, PermissionReport } from './permission-check.js';
