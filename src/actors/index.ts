/** The supervision runtime: what the rest of the service needs of it. */
export { createRuntime, DEFAULT_INTERVALS_MS, DEFAULT_SPECS, type Runtime, type RuntimeOptions, type StopReport } from './runtime.js';
export { HealthRegistry, type TenantHealth, type CollectorHealth, type WorkerFilter, type ErrorInfo, type FailureKind } from './health-registry.js';
export type { FleetHealth, ReconcileResult } from './fleet-actor.js';
export type { BreakerSettings } from './aws-access.js';
export type { ChildSpec } from './restart-policy.js';
export { systemClock, type Clock } from './clock.js';
export { ManualClock, settle } from './manual-clock.js';
