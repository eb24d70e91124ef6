/** The metric-selection routes' CloudWatch reads, through the account's real credentials. */
import { AppError } from '../domain/errors.js';
import type { CloudWatchGateway } from '../domain/gateway.js';
import type { MetricDiscovery } from '../domain/metric-discovery.js';
import type { Account } from '../domain/tenant.js';

/** Build the discovery port over the store's accounts and the CloudWatch adapter. */
export function createMetricDiscovery(tenants: { get(tenantId: string): Promise<{ accounts: Account[] } | undefined> }, cloudwatch: CloudWatchGateway): MetricDiscovery {
  const accountOf = async (tenantId: string, accountId: string): Promise<Account> => {
    const account = (await tenants.get(tenantId))?.accounts.find((a) => a.id === accountId);
    if (!account) throw new AppError('NOT_FOUND', 'no such account', { status: 404, expose: true });
    return account;
  };
  return {
    async discover(tenantId, accountId, signal) {
      const account = await accountOf(tenantId, accountId);
      // listMetrics ignores the selection: what is switched off is still shown with its fee.
      const perRegion = await Promise.all(account.regions.map((region) => cloudwatch.listMetrics(account, region, signal)));
      return perRegion.flat();
    },
    async browse(tenantId, accountId, region, namespace, limit, signal) {
      const account = await accountOf(tenantId, accountId);
      if (!cloudwatch.browseMetrics) throw new AppError('UNAVAILABLE', 'metric browsing is not available', { status: 503, expose: true });
      return cloudwatch.browseMetrics(account, region, namespace, limit, signal);
    },
  };
}
