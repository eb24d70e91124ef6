/**
 * Series identity (descriptor, stable id, the hour of a time) and the earlier item layout — one
 * item per series per UTC hour, each datapoint an attribute `p<seconds into the hour>` — which
 * reads still merge until its items expire. New writes are packed (`metrics-repository.ts`).
 */
import { createHash } from 'node:crypto';
import type { MetricSeries, Point } from '../domain/records.js';
import type { Item } from './db.js';
import { keyPart, RETENTION_DAYS, ttlAfter } from './ids.js';

const HOUR_MS = 3_600_000;

/** What identifies a series, without its points. */
export type SeriesDescriptor = Omit<MetricSeries, 'points'>;

/** The partition of an account's metrics. */
export const metricPartition = (tenantId: string, accountId: string) => `${tenantId}#${accountId}`;

/** `YYYY-MM-DDTHH` of a time. */
export const hourOf = (ms: number) => new Date(ms).toISOString().slice(0, 13);

/** The sort-key prefix of a metric of one resource: its hours follow in order. */
export function resourcePrefix(namespace: string, metricName: string, resourceId: string): string {
  return `${keyPart(namespace)}#${keyPart(metricName)}#${keyPart(resourceId)}#`;
}

function dimensionsHash(series: SeriesDescriptor): string {
  const dims = [...series.metric.dimensions].sort((a, b) => a.name.localeCompare(b.name) || a.value.localeCompare(b.value));
  return createHash('sha1').update(JSON.stringify(dims)).digest('base64url').slice(0, 12);
}

/** A stable id of a series (same for every hour of it). */
export function seriesId(series: SeriesDescriptor): string {
  const m = series.metric;
  return [m.namespace, m.metricName, series.resourceId, series.region, m.stat, series.periodSec, dimensionsHash(series)].map(String).map(keyPart).join('#');
}

function sortKey(series: SeriesDescriptor, hourStartMs: number): string {
  const m = series.metric;
  const tail = [series.region, m.stat, String(series.periodSec), dimensionsHash(series)].map(keyPart).join('#');
  return `${resourcePrefix(m.namespace, m.metricName, series.resourceId)}${hourOf(hourStartMs)}#${tail}`;
}

/**
 * One hour of one series in the earlier layout (`p<seconds into the hour>` attributes). Nothing
 * writes it any more; reads still merge such items until their TTL removes them, and tests make
 * them with this to check that.
 */
export function legacyHourItem(tenantId: string, accountId: string, series: SeriesDescriptor, hourStartMs: number, points: readonly Point[]): Item {
  const item: Item = { pk: metricPartition(tenantId, accountId), sk: sortKey(series, hourStartMs), ...meta(series, hourStartMs) };
  for (const p of points) item[`p${Math.floor((Date.parse(p.t) - hourStartMs) / 1000)}`] = p.v;
  return item;
}

function meta(series: SeriesDescriptor, hourStartMs: number): Record<string, unknown> {
  return {
    ns: series.metric.namespace,
    mn: series.metric.metricName,
    st: series.metric.stat,
    dims: series.metric.dimensions.map((d) => ({ n: d.name, v: d.value })),
    rid: series.resourceId,
    rg: series.region,
    per: series.periodSec,
    h: hourOf(hourStartMs),
    // Expiry counts from the data's hour, not the write: re-writing old data never extends it.
    ttl: ttlAfter(hourStartMs + HOUR_MS, RETENTION_DAYS.metrics),
  };
}

/** The descriptor and points of one stored hour item. */
export function fromItem(item: Item): { id: string; descriptor: SeriesDescriptor; points: Point[] } {
  const hourStart = Date.parse(`${item.h as string}:00:00.000Z`);
  const descriptor: SeriesDescriptor = {
    region: item.rg as string,
    metric: {
      namespace: item.ns as string,
      metricName: item.mn as string,
      stat: item.st as string,
      dimensions: ((item.dims ?? []) as { n: string; v: string }[]).map((d) => ({ name: d.n, value: d.v })),
    },
    resourceId: item.rid as string,
    periodSec: item.per as number,
  };
  const points: Point[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (!/^p\d+$/.test(name)) continue;
    points.push({ t: new Date(hourStart + Number(name.slice(1)) * 1000).toISOString(), v: value as number });
  }
  return { id: seriesId(descriptor), descriptor, points };
}
