/**
 * A per-tenant ledger of the billable AWS calls monitoring makes, so each tenant can see what
 * its monitoring costs per month (DESIGN.md "What monitoring costs the tenant"). Only successful
 * requests are recorded: AWS does not bill failed ones. In memory here; the store may implement
 * the same interface durably.
 */
import { estimateFeeUsd, type BillableCounts } from './aws-prices.js';

/** The billable units, named as the simulator's `billable()` names them. */
export type BillableKind = keyof BillableCounts;

/** A month's usage of one tenant: totals, per account, and the estimated fee. */
export interface BillingUsage extends BillableCounts {
  tenantId: string;
  /** `YYYY-MM` (UTC). */
  month: string;
  estimatedFeeUsd: number;
  accounts: Record<string, BillableCounts & { estimatedFeeUsd: number }>;
}

/** Where billable calls are counted. */
export interface BillingLedger {
  record(tenantId: string, accountId: string, kind: BillableKind, units: number, at: Date): void;
  /** Usage of `month` (`YYYY-MM`, default the current UTC month). */
  usage(tenantId: string, month?: string): BillingUsage;
  /** Drop a tenant's records (tenant deleted). */
  forget(tenantId: string): void;
}

export interface MemoryBillingLedgerOptions {
  /** Clock for the default month. Default `Date.now`. */
  now?: () => number;
  /** Months kept per tenant, newest first. Default 13 (a year, plus the current month). */
  retainMonths?: number;
}

/** `YYYY-MM` of a time, in UTC. */
export function monthOf(at: Date | number): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** An in-memory ledger. */
export function createMemoryBillingLedger(options: MemoryBillingLedgerOptions = {}): BillingLedger {
  const now = options.now ?? Date.now;
  const retain = options.retainMonths ?? 13;
  // tenant -> month -> account -> counts
  const books = new Map<string, Map<string, Map<string, BillableCounts>>>();

  return {
    record(tenantId, accountId, kind, units, at) {
      if (!Number.isFinite(units) || units <= 0) return;
      let months = books.get(tenantId);
      if (!months) books.set(tenantId, (months = new Map()));
      const month = monthOf(at);
      let accounts = months.get(month);
      if (!accounts) {
        months.set(month, (accounts = new Map()));
        // 'YYYY-MM' strings sort chronologically.
        const old = [...months.keys()].sort().slice(0, Math.max(0, months.size - retain));
        for (const m of old) months.delete(m);
      }
      let counts = accounts.get(accountId);
      if (!counts) accounts.set(accountId, (counts = { costExplorerRequests: 0, getMetricDataMetrics: 0 }));
      counts[kind] += units;
    },
    usage(tenantId, month = monthOf(now())) {
      const total: BillableCounts = { costExplorerRequests: 0, getMetricDataMetrics: 0 };
      const accounts: BillingUsage['accounts'] = {};
      for (const [accountId, counts] of books.get(tenantId)?.get(month) ?? []) {
        total.costExplorerRequests += counts.costExplorerRequests;
        total.getMetricDataMetrics += counts.getMetricDataMetrics;
        accounts[accountId] = { ...counts, estimatedFeeUsd: estimateFeeUsd(counts) };
      }
      return { tenantId, month, ...total, estimatedFeeUsd: estimateFeeUsd(total), accounts };
    },
    forget(tenantId) {
      books.delete(tenantId);
    },
  };
}
