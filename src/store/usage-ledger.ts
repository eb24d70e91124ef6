/**
 * The billing ledger: billable AWS calls made for a tenant, counted per month and account
 * (costs table, sk = usage#<YYYY-MM>#<account>), so the tenant sees what its monitoring costs.
 * Counters are added atomically (ADD), so instances can record concurrently.
 */
import type { Db } from './db.js';
import { assertId, RETENTION_DAYS, ttlAfter } from './ids.js';

/** Counters of one account in one month, e.g. `{ 'ce:GetCostAndUsage': 4, 'cloudwatch:metrics': 1200 }`. */
export interface UsageRecord {
  month: string;
  accountId: string;
  counts: Record<string, number>;
}

export interface UsageLedger {
  /** Add `counts` to the account's counters of the month of `at` (default now). */
  add(tenantId: string, accountId: string, counts: Record<string, number>, at?: number): Promise<void>;
  /** The counters of every account for `month` (YYYY-MM). */
  month(tenantId: string, month: string): Promise<UsageRecord[]>;
}

/** Create the usage ledger. */
export function createUsageLedger(deps: { db: Db; now?: () => number }): UsageLedger {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  return {
    async add(tenantId, accountId, counts, at = now()) {
      const entries = Object.entries(counts).filter(([, n]) => Number.isFinite(n) && n !== 0);
      if (entries.length === 0) return;
      const month = new Date(at).toISOString().slice(0, 7);
      const names: Record<string, string> = { '#ttl': 'ttl', '#month': 'month', '#account': 'accountId' };
      const values: Record<string, unknown> = { ':ttl': ttlAfter(at, RETENTION_DAYS.usage), ':acc': accountId, ':month': month };
      // Each counter is a top-level attribute `c:<name>`: ADD needs no map to exist first, so one write does it.
      const adds = entries.map(([name, n], i) => {
        names[`#c${i}`] = `c:${name}`;
        values[`:c${i}`] = n;
        return `#c${i} :c${i}`;
      });
      await db.update('costs', {
        Key: { pk: assertId('tenant', tenantId), sk: `usage#${month}#${assertId('account', accountId)}` },
        UpdateExpression: `SET #ttl = :ttl, #account = :acc, #month = :month ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      });
    },

    async month(tenantId, month) {
      const records: UsageRecord[] = [];
      const items = db.queryAll('costs', {
        KeyConditionExpression: 'pk = :t AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':p': `usage#${month}#` },
      });
      for await (const item of items) {
        const counts = Object.fromEntries(
          Object.entries(item)
            .filter(([name]) => name.startsWith('c:'))
            .map(([name, n]) => [name.slice(2), n as number]),
        );
        records.push({ month, accountId: item.accountId as string, counts });
      }
      return records;
    },
  };
}
