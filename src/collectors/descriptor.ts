/**
 * What a collector is, in one object: its kind and label, the job, the AWS operations it calls
 * with their IAM actions, the per-tenant concurrency per AWS service, its cadences and the
 * environment variable overriding them, what it stores and for how long, and whether it alerts.
 * Everything else that lists collectors is derived from `COLLECTORS` (see collectors.ts): the
 * kinds at run time, the operation table (onboarding policy, permission check and its probes,
 * failure-scope table), the config variables, the runtime's default intervals, the overview's collector list.
 */
import type { OneOffSlots } from './one-off-slots.js';
import type { AwsService } from '../domain/gateway.js';
import type { CollectorKind } from '../domain/tenant.js';
import type { CollectorJob } from './collect-context.js';
import type { MetricsJobOptions } from './metrics-job.js';
import type { OperationProbe } from './operation-probe.js';
import type { FeePlans } from './monitoring-budget.js';
import type { SecurityJobOptions } from './security-job.js';

/** How AWS bills an operation to the tenant (../shared/AWS-FACTS.md). */
export type Billing = 'free' | 'per-request' | 'per-metric';

/** One AWS operation a collector calls for a tenant's account. */
export interface OperationSpec {
  service: AwsService;
  operation: string;
  /** The IAM action the role's policy must allow. */
  action: string;
  /** Regional (called once per monitored region) or global (one endpoint, us-east-1). */
  regional: boolean;
  billing: Billing;
  /** What the tenant loses while it is denied. */
  purpose: string;
  /**
   * An opt-in or enablement AWS may refuse it for even when the action is allowed; AWS answers
   * both with the same AccessDenied code, so the remedy names both.
   */
  optIn?: { what: string; consoleUrl: string };
  /** How the account permission check calls it once (operation-probe.ts). */
  probe: OperationProbe;
}

/** Options the runtime may pass to the jobs (tests shorten windows). */
export interface JobOptions {
  metrics?: MetricsJobOptions;
  security?: SecurityJobOptions;
  /** The budget register the paid collectors (metrics, cost) share, so a cap stretches them together. */
  plans?: FeePlans;
  /** Slots for the one-off fetches of a new account (metric backfill, cost history), shared by the collectors. */
  oneOff?: OneOffSlots;
}

/** Everything about one collector. */
export interface CollectorDescriptor<K extends CollectorKind = CollectorKind> {
  kind: K;
  /** Shown on the dashboard. */
  label: string;
  /** What it collects, in one line (README, overview). */
  summary: string;
  /** Build the job a run of this collector executes. */
  job: (options: JobOptions) => CollectorJob;
  /** Per AWS service it calls: how many calls of one tenant may be in flight at once. */
  services: Partial<Record<AwsService, { concurrency: number }>>;
  /** The operations it calls, in the order a run calls them. */
  operations: readonly OperationSpec[];
  /**
   * How often it ticks; `env` overrides both (a duration such as `15m`). Production: its fastest
   * step's cadence (`COLLECTOR_TICK_MS`, cadences.ts), each step running only when due.
   */
  cadence: { productionMs: number; demoMs: number; env: `${Uppercase<K>}_INTERVAL` };
  /** What it stores, in words. */
  stores: string;
  /** How long its data is kept (DynamoDB TTL), in days; undefined: replaced by each run. */
  retentionDays: number | undefined;
  /** Whether its results can send an alert email. */
  alerts: boolean;
}
