/** The collectors' jobs and the context the runtime gives them. */
import type { CollectorKind } from '../domain/tenant.js';
import type { CollectorJob } from './collect-context.js';
import { createCostJob } from './cost-job.js';
import { createMetricsJob, type MetricsJobOptions } from './metrics-job.js';
import { createFeePlans, type FeePlans } from './monitoring-budget.js';
import { createSecurityJob, type SecurityJobOptions } from './security-job.js';

export type { CollectContext, CollectorJob, AccountOutcome, StepOutcome } from './collect-context.js';
export { AccountRun, forEachAccount, operationOf, stepId } from './collect-context.js';
export { costRanges, utcDay, REVISED_DAYS } from './cost-job.js';
export { COLLECTOR_TICK_MS, STEP_CADENCES, cadenceOf, type StepCadence } from './cadences.js';
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

/**
 * The three standard jobs. The two paid ones share one budget register (`plans`, a new one by
 * default), so a tenant's monitoring cap stretches metrics and cost together.
 */
export function defaultJobs(options: { metrics?: MetricsJobOptions; security?: SecurityJobOptions; plans?: FeePlans } = {}): Record<CollectorKind, CollectorJob> {
  const plans = options.plans ?? createFeePlans();
  return { metrics: createMetricsJob({ plans, ...options.metrics }), cost: createCostJob({ plans }), security: createSecurityJob(options.security) };
}
