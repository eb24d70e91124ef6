/**
 * The registry of collectors, keyed by kind: a kind added to `CollectorKind` (src/domain) does
 * not compile until it has a descriptor here. Every other list of collectors derives from it.
 */
import { DEFAULT_ONE_OFF_SLOTS, OneOffSlots } from './one-off-slots.js';
import type { AwsService } from '../domain/gateway.js';
import { COLLECTOR_KINDS, type CollectorKind } from '../domain/tenant.js';
import type { CollectorJob } from './collect-context.js';
import { COMPLIANCE_COLLECTOR } from './compliance-collector.js';
import { COST_COLLECTOR } from './cost-collector.js';
import type { CollectorDescriptor, JobOptions, OperationSpec } from './descriptor.js';
import { HEALTH_COLLECTOR } from './health-collector.js';
import { METRICS_COLLECTOR } from './metrics-collector.js';
import { createFeePlans } from './monitoring-budget.js';
import { SECURITY_COLLECTOR } from './security-collector.js';

/** Every collector (`COLLECTOR_KINDS`, src/domain/tenant.ts, gives the order the dashboard shows them). */
export const COLLECTORS: { readonly [K in CollectorKind]: CollectorDescriptor<K> } = Object.freeze({
  metrics: METRICS_COLLECTOR,
  security: SECURITY_COLLECTOR,
  cost: COST_COLLECTOR,
  health: HEALTH_COLLECTOR,
  compliance: COMPLIANCE_COLLECTOR,
});

export { COLLECTOR_KINDS };

/** The descriptors, in display order. */
export const COLLECTOR_LIST: readonly CollectorDescriptor[] = Object.freeze(COLLECTOR_KINDS.map((kind) => COLLECTORS[kind] as CollectorDescriptor));

/** The descriptor of a kind. */
export function collectorOf<K extends CollectorKind>(kind: K): CollectorDescriptor<K> {
  return COLLECTORS[kind] as CollectorDescriptor<K>;
}

/** Every operation a collector calls, with the collector calling it, in the order runs call them. */
export const COLLECTOR_OPERATIONS: readonly (OperationSpec & { collector: CollectorKind })[] = Object.freeze(
  COLLECTOR_LIST.flatMap((d) => d.operations.map((op) => Object.freeze({ ...op, collector: d.kind }))),
);

/** Each collector's interval: production or demo cadence, then the overrides given (config). */
export function defaultIntervalsMs(mode: 'production' | 'demo' = 'production'): Record<CollectorKind, number> {
  return Object.fromEntries(COLLECTOR_LIST.map((d) => [d.kind, mode === 'production' ? d.cadence.productionMs : d.cadence.demoMs])) as Record<CollectorKind, number>;
}

/** Per-tenant concurrency per AWS service: the largest any collector calling it asks for. */
export function serviceConcurrency(): Record<AwsService, number> {
  const out: Partial<Record<AwsService, number>> = {};
  for (const d of COLLECTOR_LIST) {
    for (const [service, spec] of Object.entries(d.services) as [AwsService, { concurrency: number }][]) out[service] = Math.max(out[service] ?? 0, spec.concurrency);
  }
  return out as Record<AwsService, number>;
}

/**
 * The standard jobs, one per collector. The two paid ones (metrics, cost) share one budget
 * register (`plans`, a new one by default), so a tenant's monitoring cap stretches them together.
 */
export function defaultJobs(options: JobOptions = {}): Record<CollectorKind, CollectorJob> {
  const shared: JobOptions = { ...options, plans: options.plans ?? createFeePlans(), oneOff: options.oneOff ?? new OneOffSlots(DEFAULT_ONE_OFF_SLOTS) };
  return Object.fromEntries(COLLECTOR_LIST.map((d) => [d.kind, d.job(shared)])) as Record<CollectorKind, CollectorJob>;
}
