/** The collectors' jobs and the context the runtime gives them. */
import type { CollectorKind } from '../domain/tenant.js';
import type { CollectorJob } from './collect-context.js';
import { createCostJob } from './cost-job.js';
import { createMetricsJob, type MetricsJobOptions } from './metrics-job.js';
import { createSecurityJob, type SecurityJobOptions } from './security-job.js';

export type { CollectContext, CollectorJob, AccountOutcome, StepOutcome } from './collect-context.js';
export { AccountRun, forEachAccount, stepId } from './collect-context.js';
export { costRanges, utcDay } from './cost-job.js';

/** The three standard jobs. */
export function defaultJobs(options: { metrics?: MetricsJobOptions; security?: SecurityJobOptions } = {}): Record<CollectorKind, CollectorJob> {
  return { metrics: createMetricsJob(options.metrics), cost: createCostJob(), security: createSecurityJob(options.security) };
}
