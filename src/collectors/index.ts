/** The collectors: their descriptors, their jobs and the context the runtime gives them. */
export type { CollectContext, CollectorJob, AccountOutcome, StepOutcome } from './collect-context.js';
export { AccountRun, forEachAccount, stepId } from './collect-context.js';
export { costRanges, utcDay } from './cost-job.js';
export type { Billing, CollectorDescriptor, JobOptions, OperationSpec } from './descriptor.js';
export { COLLECTORS, COLLECTOR_KINDS, COLLECTOR_LIST, COLLECTOR_OPERATIONS, collectorOf, defaultIntervalsMs, defaultJobs, serviceConcurrency } from './collectors.js';
