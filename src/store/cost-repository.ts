/**
 * Costs (pk = tenant): one item per day per account holding that day's cost of every service
 * (`day#<day>#<account>`), one per calendar month per account from the month history fetched
 * once on connect (`month#<YYYY-MM>#<account>`, kept a year after the month ends), the latest
 * forecast per account, anomalies and rightsizing. Cost
 * Explorer returns a whole day at once, so each day item is replaced whole: idempotent, and
 * unchanged days are skipped by the write memo.
 */
import type { CostAnomaly, CostForecast, DailyCost, MonthlyCost, RightsizingRecommendation } from '../domain/records.js';
import type { CostResult } from '../domain/sink.js';
import { AppError } from '../domain/errors.js';
import type { Db, Item, WriteRequest } from './db.js';
import { assertId, parseTime, RETENTION_DAYS, ttlAfter } from './ids.js';
import type { WriteMemo } from './write-memo.js';

/** One day's cost of one service in one account. */
export interface CostRow extends DailyCost {
  accountId: string;
}

/**
 * One day's (or, with `month`, one month's) cost in one region of one account. Items stored before
 * costs had regions read as region `unknown` with the item's total.
 */
export interface RegionCostRow {
  day: string;
  accountId: string;
  region: string;
  amountUsd: number;
}

/** The region of costs stored before regions were asked for. */
export const UNKNOWN_REGION = 'unknown';

/** One month's cost of one service in one account (the stored month history). */
export interface MonthlyCostRow extends MonthlyCost {
  accountId: string;
}

export interface CostRepository {
  write(result: CostResult, signal?: AbortSignal): Promise<void>;
  /** Daily cost rows in [start, end) (YYYY-MM-DD), optionally of one account; ordered by day. */
  daily(tenantId: string, range: { start: string; end: string; accountId?: string }, signal?: AbortSignal): Promise<CostRow[]>;
  /** Stored month history in [start, end) (months as YYYY-MM), ordered by month. */
  monthly(tenantId: string, range: { start: string; end: string }, signal?: AbortSignal): Promise<MonthlyCostRow[]>;
  /** Daily cost per region in [start, end) (YYYY-MM-DD); ordered by day. */
  dailyByRegion(tenantId: string, range: { start: string; end: string }, signal?: AbortSignal): Promise<RegionCostRow[]>;
  /** Stored month history per region in [start, end) (YYYY-MM); `day` is the month's 1st. */
  monthlyByRegion(tenantId: string, range: { start: string; end: string }, signal?: AbortSignal): Promise<RegionCostRow[]>;
  /** Daily cost by service summed over accounts, in [start, end). */
  dailyByService(tenantId: string, range: { start: string; end: string; accountId?: string }, signal?: AbortSignal): Promise<DailyCost[]>;
  /** The latest forecast of each account. */
  forecasts(tenantId: string, signal?: AbortSignal): Promise<(CostForecast & { accountId: string; collectedAt: string })[]>;
  anomalies(tenantId: string, signal?: AbortSignal): Promise<(CostAnomaly & { accountId: string })[]>;
  rightsizing(tenantId: string, signal?: AbortSignal): Promise<(RightsizingRecommendation & { accountId: string })[]>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-\d{2}$/;
const MAX_DAYS = 400;

function checkRange(range: { start: string; end: string }): void {
  if (!DAY.test(range.start) || !DAY.test(range.end)) throw new AppError('INVALID_RANGE', 'days must be YYYY-MM-DD', { status: 400 });
  const days = (parseTime('end', range.end) - parseTime('start', range.start)) / 86_400_000;
  if (days <= 0 || days > MAX_DAYS) throw new AppError('INVALID_RANGE', `range must be 1-${MAX_DAYS} days`, { status: 400 });
}

/** Create the cost repository. */
export function createCostRepository(deps: { db: Db; memo: WriteMemo; now?: () => number }): CostRepository {
  const { db, memo } = deps;
  const now = deps.now ?? Date.now;

  async function listPrefix(tenantId: string, prefix: string, signal?: AbortSignal): Promise<Item[]> {
    const items: Item[] = [];
    const query = db.queryAll(
      'costs',
      {
        KeyConditionExpression: 'pk = :t AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':p': prefix },
      },
      signal,
    );
    for await (const item of query) items.push(item);
    return items;
  }

  const strip = (item: Item): unknown => {
    const { pk: _pk, sk: _sk, ttl: _ttl, ...rest } = item;
    return rest;
  };

  async function daily(tenantId: string, range: { start: string; end: string; accountId?: string }, signal?: AbortSignal): Promise<CostRow[]> {
    checkRange(range);
    if (range.accountId) assertId('account', range.accountId);
    const rows: CostRow[] = [];
    const query = db.queryAll(
      'costs',
      {
        // `day#<end>` sorts before `day#<end>#<account>`: the end day is excluded.
        KeyConditionExpression: 'pk = :t AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':lo': `day#${range.start}`, ':hi': `day#${range.end}` },
      },
      signal,
    );
    for await (const item of query) {
      if (range.accountId && item.accountId !== range.accountId) continue;
      for (const [service, amountUsd] of Object.entries(item.services as Record<string, number>)) {
        rows.push({ day: item.day as string, accountId: item.accountId as string, service, amountUsd });
      }
    }
    return rows;
  }

  return {
    async write(result, signal) {
      const tenantId = assertId('tenant', result.tenantId);
      const accountId = assertId('account', result.accountId);
      const items: Item[] = [];
      // One item per day (per month) holds the per-service and the per-region sums: regions add
      // attributes, never items (a day of ~10 services in 3 regions stays well under 1 KB).
      const days = groupSums((result.daily ?? []).filter((row) => DAY.test(row.day)).map((row) => ({ ...row, at: row.day })));
      for (const [day, { services, regions }] of days) {
        const totalUsd = Object.values(services).reduce((sum, amount) => sum + amount, 0);
        items.push({ pk: tenantId, sk: `day#${day}#${accountId}`, day, accountId, services, ...(regions ? { regions } : {}), totalUsd, ttl: ttlAfter(Date.parse(day), RETENTION_DAYS.costs) });
      }
      const months = groupSums((result.monthly ?? []).filter((row) => MONTH.test(row.month)).map((row) => ({ ...row, at: row.month })));
      for (const [month, { services, regions }] of months) {
        const totalUsd = Object.values(services).reduce((sum, amount) => sum + amount, 0);
        // Kept as long as a day of it would be, counted from the month's end: the 365-day view reads it.
        const [y, m] = month.split('-').map(Number);
        const end = Date.UTC(y!, m!, 1);
        items.push({ pk: tenantId, sk: `month#${month}#${accountId}`, month, accountId, services, ...(regions ? { regions } : {}), totalUsd, ttl: ttlAfter(end, RETENTION_DAYS.costs) });
      }
      const collectedMs = Date.parse(result.collectedAt) || now();
      if (result.forecast) {
        items.push({ pk: tenantId, sk: `forecast#${accountId}`, accountId, ...result.forecast, ttl: ttlAfter(collectedMs, RETENTION_DAYS.costs) });
      }
      for (const anomaly of result.anomalies ?? []) {
        items.push({
          pk: tenantId,
          sk: `anomaly#${accountId}#${anomaly.id}`,
          accountId,
          ...anomaly,
          ttl: ttlAfter(Date.parse(anomaly.startDay) || collectedMs, RETENTION_DAYS.costs),
        });
      }
      // Absent parts (a step that failed or was not due) leave what is stored as it is.
      if (result.rightsizing) {
        items.push({
          pk: tenantId,
          sk: `rightsizing#${accountId}`,
          accountId,
          items: result.rightsizing,
          ttl: ttlAfter(collectedMs, RETENTION_DAYS.recommendations),
        });
      }
      // The forecast's collection time is kept apart from the memo: it changes every run.
      const changed = items.filter((item) => !memo.unchanged(`costs|${item.pk as string}|${item.sk as string}`, item));
      const requests: WriteRequest[] = changed.map((item) => ({ put: item.sk === `forecast#${accountId}` ? { ...item, collectedAt: result.collectedAt } : item }));
      await db.batchWrite('costs', requests, signal);
      for (const item of changed) memo.remember(`costs|${item.pk as string}|${item.sk as string}`, item);
    },

    daily,

    async dailyByRegion(tenantId, range, signal) {
      checkRange(range);
      const rows: RegionCostRow[] = [];
      const query = db.queryAll(
        'costs',
        { KeyConditionExpression: 'pk = :t AND sk BETWEEN :lo AND :hi', ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':lo': `day#${range.start}`, ':hi': `day#${range.end}` } },
        signal,
      );
      for await (const item of query) rows.push(...regionRows(item, item.day as string));
      return rows;
    },

    async monthlyByRegion(tenantId, range, signal) {
      if (!MONTH.test(range.start) || !MONTH.test(range.end)) throw new AppError('INVALID_RANGE', 'months must be YYYY-MM', { status: 400 });
      const rows: RegionCostRow[] = [];
      const query = db.queryAll(
        'costs',
        { KeyConditionExpression: 'pk = :t AND sk BETWEEN :lo AND :hi', ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':lo': `month#${range.start}`, ':hi': `month#${range.end}` } },
        signal,
      );
      for await (const item of query) rows.push(...regionRows(item, `${item.month as string}-01`));
      return rows;
    },

    async monthly(tenantId, range, signal) {
      if (!MONTH.test(range.start) || !MONTH.test(range.end)) throw new AppError('INVALID_RANGE', 'months must be YYYY-MM', { status: 400 });
      const rows: MonthlyCostRow[] = [];
      const query = db.queryAll(
        'costs',
        {
          // `month#<end>` sorts before `month#<end>#<account>`: the end month is excluded.
          KeyConditionExpression: 'pk = :t AND sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':lo': `month#${range.start}`, ':hi': `month#${range.end}` },
        },
        signal,
      );
      for await (const item of query) {
        for (const [service, amountUsd] of Object.entries(item.services as Record<string, number>)) {
          rows.push({ month: item.month as string, accountId: item.accountId as string, service, amountUsd });
        }
      }
      return rows;
    },

    async dailyByService(tenantId, range, signal) {
      const sums = new Map<string, DailyCost>();
      for (const row of await daily(tenantId, range, signal)) {
        const key = `${row.day}\u0000${row.service}`;
        const sum = sums.get(key) ?? { day: row.day, service: row.service, amountUsd: 0 };
        sum.amountUsd += row.amountUsd;
        sums.set(key, sum);
      }
      return [...sums.values()].sort((a, b) => a.day.localeCompare(b.day) || a.service.localeCompare(b.service));
    },

    async forecasts(tenantId, signal) {
      return (await listPrefix(tenantId, 'forecast#', signal)).map((item) => strip(item) as CostForecast & { accountId: string; collectedAt: string });
    },

    async anomalies(tenantId, signal) {
      return (await listPrefix(tenantId, 'anomaly#', signal)).map((item) => strip(item) as CostAnomaly & { accountId: string });
    },

    async rightsizing(tenantId, signal) {
      return (await listPrefix(tenantId, 'rightsizing#', signal)).flatMap((item) =>
        ((item.items ?? []) as RightsizingRecommendation[]).map((rec) => ({ ...rec, accountId: item.accountId as string })),
      );
    },
  };
}

/** Per-service and (when any row has one) per-region sums of rows keyed by `at` (a day or a month); non-finite amounts skipped. */
function groupSums(rows: readonly { at: string; service: string; region?: string; amountUsd: number }[]): Map<string, { services: Record<string, number>; regions?: Record<string, number> }> {
  const out = new Map<string, { services: Record<string, number>; regions?: Record<string, number> }>();
  for (const row of rows) {
    if (!Number.isFinite(row.amountUsd)) continue;
    const entry = out.get(row.at) ?? { services: {} };
    entry.services[row.service] = (entry.services[row.service] ?? 0) + row.amountUsd;
    if (row.region !== undefined) {
      const regions = (entry.regions ??= {});
      regions[row.region] = (regions[row.region] ?? 0) + row.amountUsd;
    }
    out.set(row.at, entry);
  }
  return out;
}

/** A stored day or month item as region rows; an item from before regions is one `unknown` row of its total. */
function regionRows(item: Item, day: string): RegionCostRow[] {
  const accountId = item.accountId as string;
  const regions = item.regions as Record<string, number> | undefined;
  if (regions) return Object.entries(regions).map(([region, amountUsd]) => ({ day, accountId, region, amountUsd }));
  const total = typeof item.totalUsd === 'number' ? item.totalUsd : Object.values((item.services ?? {}) as Record<string, number>).reduce((sum, a) => sum + a, 0);
  return total > 0 ? [{ day, accountId, region: UNKNOWN_REGION, amountUsd: total }] : [];
}
