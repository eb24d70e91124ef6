/** The collectors: their descriptors, their jobs and the context the runtime gives them. */
export type { CollectContext, CollectorJob, AccountOutcome, StepOutcome } from './collect-context.js';
export { AccountRun, forEachAccount, operationOf, stepId } from './collect-context.js';
export { costRanges, utcDay, REVISED_DAYS } from './cost-job.js';
export { COLLECTOR_TICK_MS, STEP_CADENCES, cadenceOf, type StepCadence } from './cadences.js';
export type { Billing, CollectorDescriptor, JobOptions, OperationSpec } from './descriptor.js';
export { COLLECTORS, COLLECTOR_KINDS, COLLECTOR_LIST, COLLECTOR_OPERATIONS, collectorOf, defaultIntervalsMs, defaultJobs, serviceConcurrency } from './collectors.js';
export {
  createFeePlans,
  feeGuide,
  REFERENCE_ACCOUNT_SHAPE,
  meterShapeOf,
  monitoringPlan,
  projectMonthlyFee,
  stretchFor,
  type AccountMeterShape,
  type FeePlans,
  type FeeGuide,
  type FeeProjectionUsd,
  type FreshnessLine,
  type MonitoringPlan,
} from './monitoring-budget.js';
