/** Views of a costs response: totals by service or account, month over month, CSV. Pure. */
import type { CostsResponse } from '../api/types.js';

export type CostGrouping = 'service' | 'account' | 'region';

/** The month history's rows as rows dated on the month's 1st (for totals per group and CSV). */
export function monthRows(monthly: CostsResponse['monthly']): CostsResponse['daily'] {
  return monthly.map((row) => ({ day: `${row.month}-01`, service: row.service, amountUsd: row.amountUsd, accountId: row.accountId }));
}

/**
 * The rows to group by region: daily rows per region and the month history's (dated on the 1st),
 * the region in the service's place, so `costGroups(rows, 'service', …)` totals them per region.
 */
export function regionRows(costs: Pick<CostsResponse, 'regions' | 'monthlyRegions'>): CostsResponse['daily'] {
  return [
    ...costs.monthlyRegions.map((row) => ({ day: `${row.month}-01`, service: row.region, amountUsd: row.amountUsd, accountId: row.accountId })),
    ...costs.regions.map((row) => ({ day: row.day, service: row.region, amountUsd: row.amountUsd, accountId: row.accountId })),
  ];
}

/**
 * A region key as people read it: Cost Explorer's charges with no region (`global`, e.g. Route 53
 * or support) and days stored before regions were collected (`unknown`) in words; codes as AWS writes them.
 */
export function regionLabel(region: string): string {
  if (region === 'global') return 'Global (no region)';
  if (region === 'unknown') return 'Unknown (collected before regions)';
  return region;
}

/** Totals per group, largest first (for `region`, pass `regionRows`: their `service` is the region). */
export function costGroups(daily: CostsResponse['daily'], by: CostGrouping, name: (accountId: string) => string): { key: string; label: string; totalUsd: number }[] {
  const sums = new Map<string, number>();
  for (const row of daily) {
    const key = by === 'account' ? row.accountId : row.service;
    sums.set(key, (sums.get(key) ?? 0) + row.amountUsd);
  }
  return [...sums]
    .map(([key, totalUsd]) => ({ key, label: by === 'account' ? name(key) : by === 'region' ? regionLabel(key) : key, totalUsd }))
    .sort((a, b) => b.totalUsd - a.totalUsd || a.label.localeCompare(b.label));
}

/** One calendar month's total and its change from the month before. */
export interface MonthTotal {
  month: string;
  totalUsd: number;
  /** Days with data in the month (a month the data only partly covers is not compared as if whole). */
  days: number;
  /** Every day of the month has data. */
  complete: boolean;
  /** Change against the previous month, as a fraction; absent for the first month or a partial one. */
  change?: number;
}

/**
 * Month totals in order, with month-over-month change between months the data covers completely
 * (the current month: to date). A month with history rows (`monthly`: its cost beyond the daily
 * rows) counts as complete.
 */
export function monthOverMonth(daily: CostsResponse['daily'], today: string, monthly: CostsResponse['monthly'] = []): MonthTotal[] {
  const byMonth = new Map<string, { total: number; days: Set<string> }>();
  for (const row of daily) {
    const month = row.day.slice(0, 7);
    const entry = byMonth.get(month) ?? { total: 0, days: new Set<string>() };
    entry.total += row.amountUsd;
    entry.days.add(row.day);
    byMonth.set(month, entry);
  }
  for (const row of monthly) {
    const entry = byMonth.get(row.month) ?? { total: 0, days: new Set<string>() };
    entry.total += row.amountUsd;
    for (let d = 1; d <= daysIn(row.month); d++) entry.days.add(`${row.month}-${String(d).padStart(2, '0')}`);
    byMonth.set(row.month, entry);
  }
  const months = [...byMonth.keys()].sort();
  const out: MonthTotal[] = [];
  months.forEach((month, i) => {
    const entry = byMonth.get(month)!;
    const total: MonthTotal = { month, totalUsd: entry.total, days: entry.days.size, complete: entry.days.size === daysIn(month) };
    const previousMonth = months[i - 1];
    const previous = previousMonth === undefined ? undefined : byMonth.get(previousMonth);
    if (previousMonth !== undefined && previous !== undefined) {
      // The current month is compared to date: the same days of the month before, each of which must have data.
      const current = month === today.slice(0, 7);
      const need = current ? entry.days.size : daysIn(previousMonth);
      const covered = Array.from({ length: need }, (_, d) => `${previousMonth}-${String(d + 1).padStart(2, '0')}`).every((day) => previous.days.has(day));
      const comparable = covered && (current || total.complete);
      const historic = monthly.some((row) => row.month === previousMonth);
      // A month known only as a whole cannot be cut to its first days: the current month is then not compared.
      const baseline = current ? (historic ? 0 : sumFirstDays(daily, previousMonth, need)) : previous.total;
      if (comparable && baseline > 0) total.change = entry.total / baseline - 1;
    }
    out.push(total);
  });
  return out;
}

function daysIn(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y!, m!, 0)).getUTCDate();
}

function sumFirstDays(daily: CostsResponse['daily'], month: string, days: number): number {
  const last = `${month}-${String(days).padStart(2, '0')}`;
  return daily.filter((row) => row.day.startsWith(month) && row.day <= last).reduce((sum, row) => sum + row.amountUsd, 0);
}

/** The first and last day with data, or undefined. */
export function coverage(daily: CostsResponse['daily']): { first: string; last: string; days: number } | undefined {
  if (daily.length === 0) return undefined;
  const days = [...new Set(daily.map((row) => row.day))].sort();
  return { first: days[0]!, last: days.at(-1)!, days: days.length };
}

/**
 * The daily rows as CSV (day, account, AWS account id, service, amount), formula-safe; month
 * history rows follow with their month (YYYY-MM) in the day column.
 */
export function costsCsv(daily: CostsResponse['daily'], accounts: Map<string, { name: string; awsAccountId: string }>, monthly: CostsResponse['monthly'] = []): string {
  const field = (value: string | number) => {
    if (typeof value === 'number') return String(value);
    const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const rows = [...daily]
    .sort((a, b) => a.day.localeCompare(b.day) || a.accountId.localeCompare(b.accountId) || a.service.localeCompare(b.service))
    .map((row) => [row.day, accounts.get(row.accountId)?.name ?? row.accountId, accounts.get(row.accountId)?.awsAccountId ?? '', row.service, row.amountUsd]);
  const months = monthly.map((row) => [row.month, accounts.get(row.accountId)?.name ?? row.accountId, accounts.get(row.accountId)?.awsAccountId ?? '', row.service, row.amountUsd]);
  return [['day', 'account', 'aws_account_id', 'service', 'amount_usd'], ...months, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
