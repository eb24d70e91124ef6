/**
 * Security findings (pk = tenant, sk = <account>#<finding id>): a finding updated by GuardDuty
 * overwrites its item, so storing it twice stores it once. A local index orders a tenant's
 * findings by state, severity and update time (`sev` = open#08.5#<updatedAt>), which serves
 * the dashboard's "open findings, most severe first" and severity filters as key ranges.
 */
import type { WriteMemo } from './write-memo.js';
import { severityBand, type Finding, type SeverityBand } from '../domain/records.js';
import { AppError } from '../domain/errors.js';
import type { Db, Item } from './db.js';
import { decodeCursor, encodeCursor, queryBinding } from './cursor.js';
import { assertId, RETENTION_DAYS, ttlAfter } from './ids.js';
import { fitFindingItem, minimalFindingItem, type FindingReduction } from './finding-item-fit.js';
import { ItemsRefusedError, isValidationError } from './items-refused-error.js';
import { INDEX } from './tables.js';
import { createSuppressionRules, type SuppressionRules } from './suppression-rules.js';

/**
 * Most findings one tenant's set holds for server-side sorting and filtering across pages
 * (`all`): the most severe first, the rest reported as truncated. GuardDuty keeps a finding 90
 * days; 5,000 is about 55 new findings a day every day, far above what the demo world or a
 * typical account produces, and ~5 MB read at most (cached per tenant).
 */
export const FINDING_SET_LIMIT = 5_000;

/** A stored finding with its account and derived band. */
export interface StoredFinding extends Finding {
  accountId: string;
  band: SeverityBand;
  /** Present when the finding was too large (or invalid) to store whole: what was left out. */
  reduced?: FindingReduction;
}

/** A finding the store could not keep as GuardDuty gave it (a data error of that finding, not a fault). */
export interface FindingDataError {
  tenantId: string;
  accountId: string;
  findingId: string;
  /** `reduced`: stored without its long fields; `skipped`: not stored at all. */
  outcome: 'reduced' | 'skipped';
  reason: string;
}

export interface FindingQuery {
  /** `open` (not archived, the default), `archived` or `all`. */
  status?: 'open' | 'archived' | 'all';
  /** Only these bands (any when absent or empty). */
  severity?: SeverityBand[];
  accountId?: string;
  /** Page size, 1-100 (default 50). */
  limit?: number;
  /** From a previous page's `cursor`. */
  cursor?: string;
}

export interface FindingPage {
  items: StoredFinding[];
  /** Present when there may be more. */
  cursor?: string;
}

export interface FindingRepository {
  /**
   * Store (or overwrite) findings. One the store cannot keep whole is stored reduced, or, when
   * even that is refused, skipped; either way the others are stored and this does not throw for it.
   */
  write(tenantId: string, accountId: string, findings: Finding[], signal?: AbortSignal): Promise<void>;
  /** Most severe first, then most recently updated. */
  query(tenantId: string, query: FindingQuery, signal?: AbortSignal): Promise<FindingPage>;
  /** Open findings counted by band. */
  openCounts(tenantId: string, signal?: AbortSignal): Promise<Record<SeverityBand, number>>;
  /**
   * The tenant's findings of one status (or all), most severe first, up to FINDING_SET_LIMIT:
   * one tenant-scoped Query on the severity index, for sorting and filtering in memory.
   */
  all(tenantId: string, status: 'open' | 'archived' | 'all', signal?: AbortSignal): Promise<{ items: StoredFinding[]; truncated: boolean }>;
  /** The tenant's suppression rules. */
  readonly suppressions: SuppressionRules;
}

/** Numeric severity of each band: [from, to) (AWS-FACTS.md "Severity"). */
const BAND_RANGE: Record<SeverityBand, [number, number]> = { low: [0, 4], medium: [4, 7], high: [7, 9], critical: [9, 11] };
const BANDS: SeverityBand[] = ['low', 'medium', 'high', 'critical'];
const KEY_ATTRIBUTES = ['pk', 'sk', 'sev'] as const;

// Truncated (not rounded) to a tenth, so 6.96 stays below the high band's 07.0 as severityBand() says.
const padSeverity = (severity: number) => (Math.floor(Math.min(10, Math.max(0, severity)) * 10 + 1e-9) / 10).toFixed(1).padStart(4, '0');
const state = (finding: Finding) => (finding.archived ? 'archived' : 'open');

function toFinding(item: Item): StoredFinding {
  const { pk: _pk, sk: _sk, sev: _sev, ttl: _ttl, ...rest } = item;
  const finding = rest as unknown as Finding & { accountId: string };
  return { ...finding, band: severityBand(finding.severity) };
}

/** Create the findings repository. */
export function createFindingRepository(deps: { db: Db; now?: () => number; onDataError?: (error: FindingDataError) => void; memo?: WriteMemo }): FindingRepository {
  const { db, memo } = deps;
  const now = deps.now ?? Date.now;
  const report = deps.onDataError ?? (() => {});

  /** Items DynamoDB refused whole: each again in its minimal form, or skipped with the reason. */
  async function storeMinimal(tenantId: string, accountId: string, refused: ItemsRefusedError, byKey: Map<string, Item>, signal?: AbortSignal) {
    for (const { key, reason } of refused.refused) {
      const item = byKey.get(String(key.sk));
      const findingId = String(key.sk).slice(accountId.length + 1);
      if (!item) {
        report({ tenantId, accountId, findingId, outcome: 'skipped', reason });
        continue;
      }
      try {
        await db.put('findings', { Item: minimalFindingItem(item) }, signal);
        report({ tenantId, accountId, findingId, outcome: 'reduced', reason });
      } catch (error) {
        if (!isValidationError(error)) throw error;
        report({ tenantId, accountId, findingId, outcome: 'skipped', reason: (error as Error).message });
      }
    }
  }

  return {
    async write(tenantId, accountId, findings, signal) {
      assertId('tenant', tenantId);
      assertId('account', accountId);
      const items = findings.map((finding) =>
        fitFindingItem({
          pk: tenantId,
          sk: `${accountId}#${finding.id}`,
          sev: `${state(finding)}#${padSeverity(finding.severity)}#${finding.updatedAt}`,
          accountId,
          ...finding,
          // GuardDuty keeps findings 90 days after their last update; so do we.
          ttl: ttlAfter(Date.parse(finding.updatedAt) || now(), RETENTION_DAYS.findings),
        }),
      );
      for (const item of items) {
        const reduced = item.reduced as FindingReduction | undefined;
        if (reduced) report({ tenantId, accountId, findingId: String(item.id), outcome: 'reduced', reason: `item of ${reduced.originalBytes} bytes over DynamoDB's 400 KB` });
      }
      // A finding read again unchanged (the run's overlap window) costs no write (issue 15).
      const memoKey = (item: Item) => `findings|${tenantId}|${String(item.sk)}`;
      const changed = memo ? items.filter((item) => !memo.unchanged(memoKey(item), item)) : items;
      try {
        await db.batchWrite('findings', changed.map((item) => ({ put: item })), signal);
        for (const item of changed) memo?.remember(memoKey(item), item);
      } catch (error) {
        if (!(error instanceof ItemsRefusedError)) throw error;
        await storeMinimal(tenantId, accountId, error, new Map(items.map((item) => [String(item.sk), item])), signal);
      }
    },

    async query(tenantId, query, signal) {
      assertId('tenant', tenantId);
      if (query.accountId) assertId('account', query.accountId);
      const status = query.status ?? 'open';
      if (!['open', 'archived', 'all'].includes(status)) throw new AppError('INVALID_QUERY', 'invalid status', { status: 400 });
      const bands = [...new Set(query.severity ?? [])].sort((a, b) => BANDS.indexOf(a) - BANDS.indexOf(b));
      if (bands.some((band) => !BANDS.includes(band))) throw new AppError('INVALID_QUERY', 'invalid severity', { status: 400 });
      const limit = Math.min(100, Math.max(1, Math.floor(query.limit ?? 50)));
      const binding = queryBinding({ status, bands, accountId: query.accountId ?? null });

      const values: Record<string, unknown> = { ':t': tenantId, ':now': Math.floor(now() / 1000) };
      const names: Record<string, string> = { '#ttl': 'ttl' };
      const filters = ['(attribute_not_exists(#ttl) OR #ttl > :now)'];
      let keyCondition = 'pk = :t';
      const low = bands.length ? BAND_RANGE[bands[0] as SeverityBand][0] : 0;
      const high = bands.length ? BAND_RANGE[bands[bands.length - 1] as SeverityBand][1] : 11;
      const contiguous = bands.length === 0 || BANDS.indexOf(bands[bands.length - 1] as SeverityBand) - BANDS.indexOf(bands[0] as SeverityBand) === bands.length - 1;
      if (status !== 'all') {
        // The severity range is part of the key: only matching findings are read (and billed).
        keyCondition += ' AND sev BETWEEN :lo AND :hi';
        values[':lo'] = `${status}#${padSeverity(low)}`;
        values[':hi'] = `${status}#${padSeverity(high - 0.1)}#\uffff`;
      }
      if (status === 'all' || !contiguous) {
        names['#severity'] = 'severity';
        filters.push(`(${bands.map((_band, i) => `(#severity >= :b${i}lo AND #severity < :b${i}hi)`).join(' OR ') || 'attribute_exists(#severity)'})`);
        bands.forEach((band, i) => {
          values[`:b${i}lo`] = BAND_RANGE[band][0];
          values[`:b${i}hi`] = BAND_RANGE[band][1];
        });
      }
      if (query.accountId) {
        names['#account'] = 'accountId';
        filters.push('#account = :a');
        values[':a'] = query.accountId;
      }

      const items: StoredFinding[] = [];
      let start = query.cursor ? decodeCursor(query.cursor, { tenantId, binding, keyAttributes: KEY_ATTRIBUTES }) : undefined;
      // A filtered page may come back short: keep reading until the page is full or the data ends.
      do {
        const page = await db.query(
          'findings',
          {
            IndexName: INDEX.findingsBySeverity,
            KeyConditionExpression: keyCondition,
            FilterExpression: filters.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            Limit: limit - items.length,
            ExclusiveStartKey: start,
          },
          signal,
        );
        items.push(...(page.Items ?? []).map(toFinding));
        start = page.LastEvaluatedKey as Record<string, string> | undefined;
      } while (start && items.length < limit);
      if (!start) return { items };
      const key = Object.fromEntries(KEY_ATTRIBUTES.map((name) => [name, start?.[name]]));
      return { items, cursor: encodeCursor(key, binding) };
    },

    async all(tenantId, status, signal) {
      const values: Record<string, unknown> = { ':t': assertId('tenant', tenantId), ':now': Math.floor(now() / 1000) };
      let keyCondition = 'pk = :t';
      if (status !== 'all') {
        keyCondition += ' AND begins_with(sev, :state)';
        values[':state'] = `${status}#`;
      }
      const items: StoredFinding[] = [];
      const pages = db.queryAll(
        'findings',
        {
          IndexName: INDEX.findingsBySeverity,
          KeyConditionExpression: keyCondition,
          FilterExpression: 'attribute_not_exists(#ttl) OR #ttl > :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
        },
        signal,
      );
      for await (const item of pages) {
        if (items.length >= FINDING_SET_LIMIT) return { items, truncated: true };
        items.push(toFinding(item));
      }
      return { items, truncated: false };
    },

    suppressions: createSuppressionRules({ db, now }),

    async openCounts(tenantId, signal) {
      const counts: Record<SeverityBand, number> = { low: 0, medium: 0, high: 0, critical: 0 };
      const items = db.queryAll(
        'findings',
        {
          IndexName: INDEX.findingsBySeverity,
          KeyConditionExpression: 'pk = :t AND begins_with(sev, :open)',
          FilterExpression: 'attribute_not_exists(#ttl) OR #ttl > :now',
          ProjectionExpression: '#severity',
          ExpressionAttributeNames: { '#ttl': 'ttl', '#severity': 'severity' },
          ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':open': 'open#', ':now': Math.floor(now() / 1000) },
        },
        signal,
      );
      for await (const item of items) counts[severityBand(item.severity as number)] += 1;
      return counts;
    },
  };
}
