/**
 * Metric series of an account (pk = tenant#account), packed lean (issue 15):
 * - `#h#<hour>#<region>#<write minute>`: every series' points of one clock hour in one region,
 *   as one compact Binary per series (`metric-pack.ts`), written by the hourly full poll
 *   (a poll's window spans two clock hours, so it writes two items per region);
 * - `#latest`: the freshest points of the polls in between (the headline metrics every 15 min),
 *   replaced by each one;
 * - `#catalog`: every series' descriptor, keyed by a short id the packed items use; written only
 *   when the set of series changes; a series that is gone stays 31 days so its data stays readable.
 * Reads merge the packed items of the range, the latest item and the per-series hour items of the
 * earlier layout (`metric-items.ts`; they expire with their TTL), later writes winning a timestamp.
 */
import { createHash } from 'node:crypto';
import type { MetricSeries, Point } from '../domain/records.js';
import { AppError } from '../domain/errors.js';
import type { Db, Item } from './db.js';
import { assertId, keyPart, parseTime, RETENTION_DAYS, ttlAfter } from './ids.js';
import { fromItem, hourOf, metricPartition, resourcePrefix, seriesId, type SeriesDescriptor } from './metric-items.js';
import { decodePoints, encodePoints } from './metric-pack.js';
import type { WriteMemo } from './write-memo.js';

/** A metric of an account over [from, to); all resources of the metric when `resourceId` is absent. */
export interface MetricQuery {
  accountId: string;
  namespace: string;
  metricName: string;
  resourceId?: string;
  /** ISO time, inclusive. */
  from: string;
  /** ISO time, exclusive. */
  to: string;
}

export interface MetricWriteOptions {
  /**
   * Regions whose series are every metric the account has there: packed into hour items. The
   * other regions' series (a headline-only poll) go to the latest item. Default: every region.
   */
  completeRegions?: readonly string[];
  /** When the poll ran (ISO); names the packed items of this write. Default: now. */
  at?: string;
  /** Every series the account has (discovery's view): the catalog. Default: a full write's series. */
  catalog?: readonly SeriesDescriptor[];
}

export interface MetricsRepository {
  write(tenantId: string, accountId: string, series: MetricSeries[], signal?: AbortSignal, options?: MetricWriteOptions): Promise<void>;
  /** Series with their points in [from, to), oldest first; one per (resource, region, stat, period, dimensions). */
  query(tenantId: string, query: MetricQuery, signal?: AbortSignal): Promise<MetricSeries[]>;
  /** Every series the account had at its last full metrics run (what the dashboard can chart). */
  catalog(tenantId: string, accountId: string, signal?: AbortSignal): Promise<SeriesDescriptor[]>;
}

export interface MetricsRepositoryDeps {
  db: Db;
  memo: WriteMemo;
  now?: () => number;
}

const CATALOG_SK = '#catalog';
const LATEST_SK = '#latest';
const PACK = '#h#';
const MAX_CATALOG = 4_000;
const MAX_RANGE_MS = 31 * 86_400_000;
const HOUR_MS = 3_600_000;
const GONE_KEPT_MS = (RETENTION_DAYS.metrics + 1) * 86_400_000;

/** The short id packed items key a series by (8 characters of a hash of its full id). */
export function packedId(descriptor: SeriesDescriptor): string {
  return createHash('sha1').update(seriesId(descriptor)).digest('base64url').slice(0, 8);
}

/** A catalog entry: the descriptor, and since when it is gone (absent: present at the last full run). */
type CatalogEntry = SeriesDescriptor & { gone?: string };

const describe = ({ points: _points, ...descriptor }: MetricSeries): SeriesDescriptor => descriptor;

/** Bytes of a Binary attribute as the SDK returns it. */
function bytesOf(value: unknown): Uint8Array | undefined {
  return value instanceof Uint8Array ? value : undefined;
}

/** Create the metrics repository. */
export function createMetricsRepository(deps: MetricsRepositoryDeps): MetricsRepository {
  const { db, memo } = deps;
  const now = deps.now ?? Date.now;

  async function readCatalog(pk: string, signal?: AbortSignal): Promise<CatalogEntry[]> {
    const item = await db.get('metrics', { Key: { pk, sk: CATALOG_SK } }, signal);
    return (item?.series ?? []) as CatalogEntry[];
  }

  /** Merge the full run's series into the catalog; written only when the set (or a gone mark) changed. */
  async function writeCatalog(pk: string, descriptors: readonly SeriesDescriptor[], at: number, signal?: AbortSignal): Promise<void> {
    const current = new Map(descriptors.map((d) => [packedId(d), d]));
    const memoKey = `metrics|${pk}|catalog-set`;
    // The common case: the same series as the last full run this process wrote.
    if (memo.unchanged(memoKey, [...current.keys()].sort())) return;
    const stored = await readCatalog(pk, signal);
    const entries = new Map<string, CatalogEntry>();
    for (const entry of stored) {
      const id = packedId(entry);
      if (current.has(id)) continue;
      const gone = entry.gone ?? new Date(at).toISOString();
      if (at - Date.parse(gone) < GONE_KEPT_MS) entries.set(id, { ...entry, gone });
    }
    for (const [id, descriptor] of current) entries.set(id, descriptor);
    const next = [...entries.values()].sort((a, b) => packedId(a).localeCompare(packedId(b))).slice(0, MAX_CATALOG);
    const sameAsStored = stored.length === next.length && JSON.stringify([...stored].sort((a, b) => packedId(a).localeCompare(packedId(b)))) === JSON.stringify(next);
    if (!sameAsStored) await db.put('metrics', { Item: { pk, sk: CATALOG_SK, series: next } }, signal);
    memo.remember(memoKey, [...current.keys()].sort());
  }

  /** The packed items of a full write: per region and clock hour, one Binary per series. */
  function packedItems(pk: string, series: MetricSeries[], at: number): Item[] {
    const groups = new Map<string, { region: string; hourStart: number; points: Map<string, Point[]> }>();
    for (const one of series) {
      const id = packedId(describe(one));
      for (const point of one.points) {
        const ms = Date.parse(point.t);
        if (!Number.isFinite(ms) || !Number.isFinite(point.v)) continue;
        const hourStart = Math.floor(ms / HOUR_MS) * HOUR_MS;
        const key = `${hourStart}|${one.region}`;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { region: one.region, hourStart, points: new Map() }));
        const list = group.points.get(id) ?? [];
        list.push(point);
        group.points.set(id, list);
      }
    }
    const minute = new Date(at).toISOString().slice(0, 16);
    return [...groups.values()].map(({ region, hourStart, points }) => {
      const baseSec = hourStart / 1000;
      const s: Record<string, Uint8Array> = {};
      for (const [id, list] of points) s[id] = encodePoints(list, baseSec);
      return {
        pk,
        sk: `${PACK}${hourOf(hourStart)}#${keyPart(region)}#${minute}`,
        h: hourOf(hourStart),
        rg: region,
        b: baseSec,
        s,
        // Expiry counts from the data's hour, not the write: re-writing old data never extends it.
        ttl: ttlAfter(hourStart + HOUR_MS, RETENTION_DAYS.metrics),
      };
    });
  }

  /** The latest item: the freshest points of a partial poll, relative to its oldest point. */
  function latestItem(pk: string, series: MetricSeries[]): Item | undefined {
    let min = Infinity;
    for (const one of series) for (const p of one.points) min = Math.min(min, Date.parse(p.t));
    if (!Number.isFinite(min)) return undefined;
    const baseSec = Math.floor(min / 1000);
    const s: Record<string, Uint8Array> = {};
    for (const one of series) if (one.points.length > 0) s[packedId(describe(one))] = encodePoints(one.points, baseSec);
    return { pk, sk: LATEST_SK, b: baseSec, s, ttl: ttlAfter(min, RETENTION_DAYS.metrics) };
  }

  async function putUnlessUnchanged(items: Item[], signal?: AbortSignal): Promise<void> {
    const changed = items.filter((item) => !memo.unchanged(`metrics|${item.pk as string}|${item.sk as string}`, item));
    if (changed.length === 0) return;
    if (changed.length === 1) await db.put('metrics', { Item: changed[0]! }, signal);
    else await db.batchWrite('metrics', changed.map((put) => ({ put })), signal);
    for (const item of changed) memo.remember(`metrics|${item.pk as string}|${item.sk as string}`, item);
  }

  return {
    async write(tenantId, accountId, series, signal, options = {}) {
      assertId('tenant', tenantId);
      assertId('account', accountId);
      const pk = metricPartition(tenantId, accountId);
      const at = options.at ? Date.parse(options.at) || now() : now();
      const complete = options.completeRegions ? new Set(options.completeRegions) : undefined;
      const full = complete ? series.filter((s) => complete.has(s.region)) : series;
      const fresh = complete ? series.filter((s) => !complete.has(s.region)) : [];
      await putUnlessUnchanged(packedItems(pk, full, at), signal);
      const latest = latestItem(pk, fresh);
      if (latest) await putUnlessUnchanged([latest], signal);
      // The catalog from discovery's list, else only from a run that saw every series of the account.
      if (options.catalog) await writeCatalog(pk, options.catalog, at, signal);
      else if (full.length > 0 && fresh.length === 0) await writeCatalog(pk, full.map(describe), at, signal);
    },

    async query(tenantId, query, signal) {
      const pk = metricPartition(assertId('tenant', tenantId), assertId('account', query.accountId));
      const from = parseTime('from', query.from);
      const to = parseTime('to', query.to);
      if (to <= from || to - from > MAX_RANGE_MS) throw new AppError('INVALID_RANGE', 'range must be positive and at most 31 days', { status: 400 });
      const fromHour = hourOf(from);
      const toHour = hourOf(to - 1);

      const wanted = new Map<string, SeriesDescriptor>();
      for (const entry of await readCatalog(pk, signal)) {
        if (entry.metric.namespace !== query.namespace || entry.metric.metricName !== query.metricName) continue;
        if (query.resourceId !== undefined && entry.resourceId !== query.resourceId) continue;
        const { gone: _gone, ...descriptor } = entry;
        wanted.set(packedId(descriptor), descriptor);
      }
      // Per series id: time -> value; items are read oldest write first, so a later write wins.
      const points = new Map<string, Map<number, number>>();
      const descriptors = new Map<string, SeriesDescriptor>(wanted);
      const add = (id: string, list: Point[]) => {
        let byTime = points.get(id);
        if (!byTime) points.set(id, (byTime = new Map()));
        for (const p of list) {
          const ms = Date.parse(p.t);
          if (ms >= from && ms < to) byTime.set(ms, p.v);
        }
      };
      const addPacked = (item: Item) => {
        const map = (item.s ?? {}) as Record<string, unknown>;
        for (const id of wanted.keys()) {
          const bytes = bytesOf(map[id]);
          if (bytes) add(id, decodePoints(bytes, item.b as number));
        }
      };

      // The earlier layout, one item per series and hour (until its TTL removes it).
      const legacy = query.resourceId
        ? {
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
            ExpressionAttributeValues: {
              ':pk': pk,
              ':lo': `${resourcePrefix(query.namespace, query.metricName, query.resourceId)}${fromHour}`,
              ':hi': `${resourcePrefix(query.namespace, query.metricName, query.resourceId)}${toHour}#\uffff`,
            },
          }
        : {
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            FilterExpression: 'h BETWEEN :fromHour AND :toHour',
            ExpressionAttributeValues: { ':pk': pk, ':prefix': resourcePrefix(query.namespace, query.metricName, '').slice(0, -1), ':fromHour': fromHour, ':toHour': toHour },
          };
      for await (const item of db.queryAll('metrics', legacy, signal)) {
        const old = fromItem(item);
        // A legacy series keeps its own id space; map it onto the packed id of the same descriptor.
        const id = packedId(old.descriptor);
        if (!descriptors.has(id)) descriptors.set(id, old.descriptor);
        add(id, old.points);
      }
      if (wanted.size > 0) {
        const packed: Item[] = [];
        const input = {
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': pk, ':lo': `${PACK}${fromHour}`, ':hi': `${PACK}${toHour}#\uffff` },
        };
        for await (const item of db.queryAll('metrics', input, signal)) packed.push(item);
        // Oldest write first within an hour and region (the write minute ends the sort key).
        packed.sort((a, b) => String(a.sk).slice(-16).localeCompare(String(b.sk).slice(-16)));
        for (const item of packed) addPacked(item);
        const latest = await db.get('metrics', { Key: { pk, sk: LATEST_SK } }, signal);
        if (latest) addPacked(latest);
      }

      const result: MetricSeries[] = [];
      for (const [id, byTime] of points) {
        const descriptor = descriptors.get(id);
        if (!descriptor || byTime.size === 0) continue;
        const sorted = [...byTime].sort((a, b) => a[0] - b[0]).map(([ms, v]) => ({ t: new Date(ms).toISOString(), v }));
        result.push({ ...descriptor, points: sorted });
      }
      return result.sort((a, b) => a.resourceId.localeCompare(b.resourceId) || a.region.localeCompare(b.region));
    },

    async catalog(tenantId, accountId, signal) {
      const pk = metricPartition(assertId('tenant', tenantId), assertId('account', accountId));
      return (await readCatalog(pk, signal)).filter((entry) => entry.gone === undefined).map(({ gone: _gone, ...descriptor }) => descriptor);
    },
  };
}
