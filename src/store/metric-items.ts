/**
 * How metric series are packed: one item per series per UTC hour, each datapoint an attribute
 * `p<seconds into the hour>`. Writing a point is then idempotent (same point, same attribute)
 * and points of one hour arriving in successive runs merge without a read: an UpdateItem SETs
 * only the points it has. Hours strictly inside a run's window are complete (GetMetricData
 * returns every point of its window), so those are written whole with batched PutItems.
 */
import { createHash } from 'node:crypto';
import type { MetricSeries, Point } from '../domain/records.js';
import type { Item } from './db.js';
import { keyPart, RETENTION_DAYS, ttlAfter } from './ids.js';

const HOUR_MS = 3_600_000;
/** Points per UpdateItem: keeps the update expression well under DynamoDB's 4 KB limit. */
const POINTS_PER_UPDATE = 150;

/** What identifies a series, without its points. */
export type SeriesDescriptor = Omit<MetricSeries, 'points'>;

/** An UpdateItem request, without the table. */
export interface MetricUpdate {
  Key: { pk: string; sk: string };
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

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

/** Split series into whole-hour puts and merging updates. */
export function planMetricWrites(tenantId: string, accountId: string, series: MetricSeries[]): { puts: Item[]; updates: MetricUpdate[] } {
  const puts: Item[] = [];
  const updates: MetricUpdate[] = [];
  const pk = metricPartition(tenantId, accountId);
  for (const one of series) {
    const hours = new Map<number, Map<number, number>>();
    for (const point of one.points) {
      const ms = Date.parse(point.t);
      // DynamoDB stores no NaN or Infinity; CloudWatch has no such datapoints anyway.
      if (!Number.isFinite(ms) || !Number.isFinite(point.v)) continue;
      const hourStart = Math.floor(ms / HOUR_MS) * HOUR_MS;
      const points = hours.get(hourStart) ?? new Map<number, number>();
      points.set(Math.floor((ms - hourStart) / 1000), point.v);
      hours.set(hourStart, points);
    }
    const ordered = [...hours.keys()].sort((a, b) => a - b);
    ordered.forEach((hourStart, index) => {
      const points = hours.get(hourStart) as Map<number, number>;
      const key = { pk, sk: sortKey(one, hourStart) };
      const interior = index > 0 && index < ordered.length - 1;
      if (interior) {
        const item: Item = { ...key, ...meta(one, hourStart) };
        for (const [offset, value] of points) item[`p${offset}`] = value;
        puts.push(item);
        return;
      }
      const entries = [...points];
      for (let i = 0; i < entries.length; i += POINTS_PER_UPDATE) {
        updates.push(updateFor(key, meta(one, hourStart), entries.slice(i, i + POINTS_PER_UPDATE)));
      }
    });
  }
  return { puts, updates };
}

function updateFor(key: MetricUpdate['Key'], attributes: Record<string, unknown>, points: [number, number][]): MetricUpdate {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  Object.entries(attributes).forEach(([name, value], i) => {
    names[`#m${i}`] = name;
    values[`:m${i}`] = value;
    sets.push(`#m${i} = :m${i}`);
  });
  points.forEach(([offset, value], i) => {
    names[`#p${i}`] = `p${offset}`;
    values[`:p${i}`] = value;
    sets.push(`#p${i} = :p${i}`);
  });
  return { Key: key, UpdateExpression: `SET ${sets.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
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
