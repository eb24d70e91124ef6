/** What a tenant is, as the runtime and the store see it. */

/**
 * The collectors each tenant runs. A kind added here does not compile until it has a descriptor
 * (src/collectors/collectors.ts), a result type and a store write; every other list of
 * collectors (config variables, API names, IAM policy) derives from those.
 */
export const COLLECTOR_KINDS = Object.freeze(['metrics', 'security', 'cost', 'health', 'compliance'] as const);
export type CollectorKind = (typeof COLLECTOR_KINDS)[number];

/** An encrypted secret: AES-256-GCM ciphertext with the id of the key that sealed it. */
export interface SealedSecret {
  keyId: string;
  /** base64 of iv | tag | ciphertext */
  blob: string;
}

/** How the service reaches one connected AWS account. */
export type AccountCredentials =
  | { type: 'role'; roleArn: string; externalId: string }
  | { type: 'keys'; accessKeyId: string; secret: SealedSecret };

/** `credentials_invalid`: AWS rejected the credentials; collection stops until they change. */
export type AccountStatus = 'active' | 'credentials_invalid';

/** One AWS account a tenant connected. */
export interface Account {
  /** Our id for the connection (stable, opaque). */
  id: string;
  tenantId: string;
  name: string;
  /** The 12-digit AWS account id. */
  awsAccountId: string;
  regions: string[];
  credentials: AccountCredentials;
  status: AccountStatus;
  /** Why the account is not active, shown to the tenant (never a secret). */
  statusReason?: string;
  /** Bumped when credentials or regions change, so a changed account is picked up at once. */
  revision: number;
  /** Which metrics are fetched (each costs GetMetricData fees); absent: the whole catalog. */
  metrics?: MetricSelection;
  /** When it was connected (ISO); absent only on records written before it was kept. */
  createdAt?: string;
  /** The account's own monthly budget in USD (thresholds at 50/80/100 %); absent: none. */
  monthlyBudgetUsd?: number;
}

/** A metric a tenant added from what ListMetrics shows for its account (e.g. its application's own). */
export interface CustomMetric {
  region: string;
  namespace: string;
  metricName: string;
  dimensions: { name: string; value: string }[];
  /** e.g. `Average`, `Sum`, `Maximum`, `p99`. */
  stat: string;
}

/** An account's metric selection: catalog services and metrics switched off, and custom metrics added. */
export interface MetricSelection {
  /** Catalog service ids (`ec2`, `sqs`, ...) not fetched. */
  disabledServices?: string[];
  /** Catalog metrics not fetched, as `<service id>:<metric name>` (e.g. `ec2:StatusCheckFailed`). */
  disabledMetrics?: string[];
  custom?: CustomMetric[];
}

/** Per-tenant collection settings; every field optional so defaults apply. */
export interface TenantSettings {
  /** Override of the collectors' intervals, in ms. */
  intervalsMs?: Partial<Record<CollectorKind, number>>;
  /** Monthly budget in USD, for the budget rule. */
  monthlyBudgetUsd?: number;
  /** Every member must sign in with a second factor (TOTP); set by an owner. */
  requireMfa?: boolean;
  /** Monthly cap in USD on the AWS fees monitoring itself causes; the paid steps stretch to stay under it. */
  monitoringCapUsd?: number;
}

/** A tenant as the fleet reconciles it. */
export interface Tenant {
  id: string;
  name: string;
  /** Bumped on every change to the tenant, its settings or its accounts. */
  revision: number;
  settings: TenantSettings;
  accounts: Account[];
}

/** Where the fleet reads the tenant set from; the store's listing pages, so it is async-iterable. */
export interface TenantSource {
  listTenants(signal?: AbortSignal): AsyncIterable<Tenant>;
  /** One tenant, or undefined when it is gone: lets a single change apply without a full listing. */
  get?(tenantId: string): Promise<Tenant | undefined>;
}
