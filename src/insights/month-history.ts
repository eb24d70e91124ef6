/**
 * The cost of whole months the daily rows do not cover, from the month history fetched once on
 * connect (12 months of Cost Explorer MONTHLY): what lets the 365-day view show real months from
 * an account's first day. Pure.
 */
import type { DailyCost, MonthlyCost } from '../domain/records.js';

type Daily = DailyCost & { accountId: string };
type Monthly = MonthlyCost & { accountId: string };

function daysIn(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y!, m!, 0)).getUTCDate();
}

/**
 * Per account, month and service: the month's cost minus what the daily rows of that month
 * already hold, for months starting in [from, to) (YYYY-MM-DD) whose days the daily rows do not
 * all cover. So daily rows plus these rows add up to each month's Cost Explorer total, never
 * twice. Rows of zero or less (rounding) are left out.
 */
export function monthsBeyondDaily(daily: readonly Daily[], monthly: readonly Monthly[], range: { from: string; to: string }): Monthly[] {
  const covered = new Map<string, Set<string>>();
  const dailySum = new Map<string, number>();
  for (const row of daily) {
    const month = row.day.slice(0, 7);
    const key = `${row.accountId}\u0000${month}`;
    const days = covered.get(key) ?? new Set<string>();
    days.add(row.day);
    covered.set(key, days);
    const serviceKey = `${key}\u0000${row.service}`;
    dailySum.set(serviceKey, (dailySum.get(serviceKey) ?? 0) + row.amountUsd);
  }
  const out: Monthly[] = [];
  for (const row of monthly) {
    const start = `${row.month}-01`;
    if (start < range.from || start >= range.to) continue;
    const key = `${row.accountId}\u0000${row.month}`;
    if ((covered.get(key)?.size ?? 0) >= daysIn(row.month)) continue;
    const rest = row.amountUsd - (dailySum.get(`${key}\u0000${row.service}`) ?? 0);
    if (rest > 0.00005) out.push({ month: row.month, service: row.service, accountId: row.accountId, amountUsd: rest });
  }
  return out.sort((a, b) => a.month.localeCompare(b.month) || a.accountId.localeCompare(b.accountId) || a.service.localeCompare(b.service));
}
