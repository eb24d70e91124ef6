/**
 * The billing ledger the AWS adapters record into: counted in memory (cheap, synchronous, for
 * the adapters) and added to the store's usage ledger, so what a tenant's monitoring costs
 * survives restarts and is summed across instances.
 */
import { createMemoryBillingLedger, type BillableCounts, type BillingLedger } from '../aws/index.js';
import type { Logger } from '../log.js';
import type { UsageLedger } from '../store/usage-ledger.js';

export function createPersistentLedger(deps: { usage: UsageLedger; log: Logger; now?: () => number }): BillingLedger & { totals(): BillableCounts } {
  const memory = createMemoryBillingLedger(deps.now ? { now: deps.now } : {});
  const totals: BillableCounts = { costExplorerRequests: 0, getMetricDataMetrics: 0 };
  return {
    /** Billable units of every tenant since the process started (Prometheus counters). */
    totals: () => ({ ...totals }),
    record(tenantId, accountId, kind, units, at) {
      memory.record(tenantId, accountId, kind, units, at);
      totals[kind] += units;
      deps.usage.add(tenantId, accountId, { [kind]: units }, at.getTime()).catch((error: unknown) => {
        deps.log.warn({ tenant: tenantId, account: accountId, kind, units, err: error }, 'could not persist billable usage');
      });
    },
    usage: (tenantId, month) => memory.usage(tenantId, month),
    forget: (tenantId) => memory.forget(tenantId),
  };
}
