/** The supervision runtime: what the rest of the service needs of it. */
export { createRuntime, DEFAULT_INTERVALS_MS, DEFAULT_SPECS, type Runtime, type RuntimeOptions, type StopReport } from './runtime.js';
export { HealthRegistry, DEFAULT_LAG_SETTINGS, type LagSettings } from './health-registry.js';
export { RecordingRegistry, applyTransitions, type Transition } from './registry-mirror.js';
export type { TenantHealth, CollectorHealth, WorkerFilter, ErrorInfo, FailureKind, FleetHealth, FleetLag, WorkerHealthView } from '../domain/worker-health.js';
export type { ReconcileResult } from './fleet-actor.js';
export type { BreakerSettings } from './aws-access.js';
export type { ChildSpec } from './restart-policy.js';
export type { ChildState } from './supervised-child.js';
export { systemClock, type Clock } from './clock.js';
export { ManualClock, settle } from '../domain/manual-clock.js';
