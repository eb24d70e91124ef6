/**
 * The free CloudWatch reads behind metric selection, by tenant and account id (the service
 * resolves the account's credentials; http never holds them).
 */
import type { MetricRef } from './records.js';

export interface MetricDiscovery {
  /** The catalog metrics ListMetrics finds in every region of the account, ignoring its selection. */
  discover(tenantId: string, accountId: string, signal: AbortSignal): Promise<MetricRef[]>;
  /** What ListMetrics shows in a region (one namespace, or all), up to `limit` metrics. */
  browse(tenantId: string, accountId: string, region: string, namespace: string | undefined, limit: number, signal: AbortSignal): Promise<Omit<MetricRef, 'stat'>[]>;
}
