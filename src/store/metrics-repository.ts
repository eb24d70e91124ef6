/**
 * Metric series of an account (pk = tenant#account): writes from the metrics collector and the
 * reads the dashboard makes. A series of one resource over a time range is one Query on a
 * sort-key range; all resources of a metric is one Query on a prefix.
 */
import type { MetricSeries } from '../domain/records.js';
import { AppError } from '../domain/errors.js';
import type { Db } from './db.js';
import { assertId, parseTime } from './ids.js';
import { fromItem, hourOf, metricPartition, planMetricWrites, resourcePrefix, type SeriesDescriptor } from './metric-items.js';
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

export interface MetricsRepository {
  /** Store series; `partial`: they are not every metric the account has, so the catalog is left as it is. */
  write(tenantId: string, accountId: string, series: MetricSeries[], signal?: AbortSignal, options?: { partial?: boolean }): Promise<void>;
  /** Series with their points in [from, to), oldest first; one per (resource, region, stat, period, dimensions). */
  query(tenantId: string, query: MetricQuery, signal?: AbortSignal): Promise<MetricSeries[]>;
  /** Every series the account had at its last metrics run (what the dashboard can chart). */
  catalog(tenantId: string, accountId: string, signal?: AbortSignal): Promise<SeriesDescriptor[]>;
}

export interface MetricsRepositoryDeps {
  db: Db;
  memo: WriteMemo;
  /** Parallel UpdateItems of one write (default 16). */
  concurrency?: number;
}

const CATALOG_SK = '#catalog';
const MAX_CATALOG = 2_000;
const MAX_RANGE_MS = 31 * 86_400_000;

/** Create the metrics repository. */
export function createMetricsRepository(deps: MetricsRepositoryDeps): MetricsRepository {
  const { db, memo } = deps;
  const concurrency = deps.concurrency ?? 16;

  async function writeCatalog(tenantId: string, accountId: string, series: MetricSeries[], signal?: AbortSignal) {
    const descriptors = series
      .slice(0, MAX_CATALOG)
      .map(({ points: _points, ...descriptor }) => descriptor)
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const pk = metricPartition(tenantId, accountId);
    if (memo.unchanged(`metrics|${pk}|catalog`, descriptors)) return;
    await db.put('metrics', { Item: { pk, sk: CATALOG_SK, series: descriptors } }, signal);
    memo.remember(`metrics|${pk}|catalog`, descriptors);
  }

  return {
    async write(tenantId, accountId, series, signal, options = {}) {
      assertId('tenant', tenantId);
      assertId('account', accountId);
      const { puts, updates } = planMetricWrites(tenantId, accountId, series);
      await db.batchWrite('metrics', puts.map((put) => ({ put })), signal);
      let next = 0;
      const worker = async () => {
        while (next < updates.length) {
          const update = updates[next++];
          if (update) await db.update('metrics', update, signal);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, updates.length) }, worker));
      if (series.length > 0 && !options.partial) await writeCatalog(tenantId, accountId, series, signal);
    },

    async query(tenantId, query, signal) {
      const pk = metricPartition(assertId('tenant', tenantId), assertId('account', query.accountId));
      const from = parseTime('from', query.from);
      const to = parseTime('to', query.to);
      if (to <= from || to - from > MAX_RANGE_MS) throw new AppError('INVALID_RANGE', 'range must be positive and at most 31 days', { status: 400 });
      const fromHour = hourOf(from);
      const toHour = hourOf(to - 1);
      const input = query.resourceId
        ? {
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
            ExpressionAttributeValues: {
              ':pk': pk,
              ':lo': `${resourcePrefix(query.namespace, query.metricName, query.resourceId)}${fromHour}`,
              // '\uffff' sorts after any region/stat suffix of the last hour.
              ':hi': `${resourcePrefix(query.namespace, query.metricName, query.resourceId)}${toHour}#\uffff`,
            },
          }
        : {
            // All resources: the hours are filtered after the read (every resource's hours are read).
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            FilterExpression: 'h BETWEEN :fromHour AND :toHour',
            ExpressionAttributeValues: {
              ':pk': pk,
              ':prefix': resourcePrefix(query.namespace, query.metricName, '').slice(0, -1),
              ':fromHour': fromHour,
              ':toHour': toHour,
            },
          };
      const bySeries = new Map<string, MetricSeries>();
      for await (const item of db.queryAll('metrics', input, signal)) {
        const { id, descriptor, points } = fromItem(item);
        const series = bySeries.get(id) ?? { ...descriptor, points: [] };
        for (const point of points) {
          const ms = Date.parse(point.t);
          if (ms >= from && ms < to) series.points.push(point);
        }
        bySeries.set(id, series);
      }
      const result = [...bySeries.values()];
      for (const series of result) series.points.sort((a, b) => a.t.localeCompare(b.t));
      return result.sort((a, b) => a.resourceId.localeCompare(b.resourceId) || a.region.localeCompare(b.region));
    },

    async catalog(tenantId, accountId, signal) {
      const pk = metricPartition(assertId('tenant', tenantId), assertId('account', accountId));
      const item = await db.get('metrics', { Key: { pk, sk: CATALOG_SK } }, signal);
      return (item?.series ?? []) as SeriesDescriptor[];
    },
  };
}
