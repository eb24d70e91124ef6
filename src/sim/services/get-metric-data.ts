/**
 * CloudWatch GetMetricData: up to 500 queries, values at the requested period for the window,
 * newest first unless ScanBy says otherwise, paginated when the datapoints exceed MaxDatapoints
 * (default 100,800). Standard-resolution retention applies: 1-minute data for 15 days, 5-minute
 * for 63 days, 1-hour for 455 days.
 */
import { regionOf } from '../world/inventory.js';
import { regionSeries, seriesHash, seriesKey, statisticAt, type Dimension, type SeriesSpec } from '../world/metric-series.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import { SimError, validationError } from '../sim-error.js';
import type { Operation } from './service.js';

const DAY_MS = 86_400_000;
const MAX_QUERIES = 500;
const DEFAULT_MAX_DATAPOINTS = 100_800;
const ID_PATTERN = /^[a-z][a-zA-Z0-9_]*$/;
const STAT_PATTERN = /^(Average|Sum|SampleCount|Maximum|Minimum|p\d{1,2}(\.\d+)?)$/;

interface MetricStatInput {
  Metric?: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] };
  Period?: number;
  Stat?: string;
}

interface QueryInput {
  Id?: string;
  MetricStat?: MetricStatInput;
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
}

/** One query's timeline: `count` buckets from `first`, `periodMs` apart. */
interface Plan {
  query: QueryInput;
  series: SeriesSpec | undefined;
  hash: number;
  periodMs: number;
  first: number;
  count: number;
}

/** CloudWatch's InvalidParameterValue (the SDK names it InvalidParameterValueException). */
export function invalidParameter(message: string): SimError {
  return new SimError('InvalidParameterValueException', message, { queryCode: 'InvalidParameterValue', namespace: 'com.amazonaws.cloudwatch' });
}

/** JSON timestamps arrive as epoch seconds; accept ISO strings too. */
export function toMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string') {
    const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function validPeriod(period: unknown): period is number {
  return typeof period === 'number' && Number.isInteger(period) && ([1, 5, 10, 20, 30].includes(period) || (period >= 60 && period % 60 === 0));
}

/** Oldest timestamp CloudWatch still holds at this period. */
function retentionStart(now: number, periodSec: number): number {
  if (periodSec < 60) return Number.POSITIVE_INFINITY; // standard-resolution metrics have no sub-minute data
  if (periodSec % 3600 === 0) return now - 455 * DAY_MS;
  if (periodSec % 300 === 0) return now - 63 * DAY_MS;
  return now - 15 * DAY_MS;
}

export const getMetricData: Operation = (request, context) => {
  const input = request.input as { MetricDataQueries?: QueryInput[]; StartTime?: unknown; EndTime?: unknown; NextToken?: string; ScanBy?: string; MaxDatapoints?: number };
  const queries = input.MetricDataQueries ?? [];
  if (queries.length === 0) throw validationError('cloudwatch', 'The collection MetricDataQueries must not be empty.');
  if (queries.length > MAX_QUERIES) throw validationError('cloudwatch', `The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`);
  const start = toMs(input.StartTime);
  const end = toMs(input.EndTime);
  if (start === undefined || end === undefined) throw validationError('cloudwatch', 'StartTime and EndTime are required.');
  if (start >= end) throw invalidParameter('The parameter StartTime must be less than the parameter EndTime.');
  const scanBy = input.ScanBy ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') throw invalidParameter(`The value ${scanBy} for parameter ScanBy is not valid.`);
  const maxDatapoints = input.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS;
  if (!Number.isInteger(maxDatapoints) || maxDatapoints < 1) throw invalidParameter('The parameter MaxDatapoints must be a positive integer.');

  const ids = new Set<string>();
  queries.forEach((query, index) => {
    const where = `MetricDataQueries.member.${index + 1}`;
    if (!query.Id || !ID_PATTERN.test(query.Id)) throw invalidParameter(`The value ${query.Id ?? ''} for parameter ${where}.Id is invalid.`);
    if (ids.has(query.Id)) throw invalidParameter(`The values for parameter ${where}.Id must be unique.`);
    ids.add(query.Id);
    if (!query.MetricStat === !query.Expression) throw invalidParameter(`Exactly one of MetricStat and Expression must be set in ${where}.`);
    if (query.MetricStat) {
      if (!validPeriod(query.MetricStat.Period)) throw invalidParameter(`The value ${query.MetricStat.Period} for parameter ${where}.MetricStat.Period is not valid.`);
      if (!query.MetricStat.Stat || !STAT_PATTERN.test(query.MetricStat.Stat)) throw invalidParameter(`The value ${query.MetricStat.Stat} for parameter ${where}.MetricStat.Stat is not a valid statistic.`);
      if (!query.MetricStat.Metric?.Namespace || !query.MetricStat.Metric.MetricName) throw validationError('cloudwatch', `${where}.MetricStat.Metric needs a Namespace and a MetricName.`);
    }
  });

  const requestPrint = fingerprint([queries, start, end, scanBy, maxDatapoints]);
  let offset = 0;
  let nowCap = context.now();
  if (input.NextToken !== undefined) {
    const position = decodeToken(input.NextToken, requestPrint);
    if (!position) throw new SimError('InvalidNextToken', 'The service returned an invalid token.', { queryCode: 'InvalidNextToken', namespace: 'com.amazonaws.cloudwatch' });
    offset = Number(position.o);
    nowCap = Number(position.n); // pages see the data as of the first page
  }

  const region = regionOf(context.seed, request.account, request.region);
  const known = new Map((region ? regionSeries(context.seed, request.account, region) : []).map((s) => [seriesKey(s.namespace, s.metricName, s.dimensions), s]));
  const plans: Plan[] = queries
    .filter((query) => query.ReturnData !== false)
    .map((query) => {
      const stat = query.MetricStat;
      if (!stat?.Metric || stat.Period === undefined) return { query, series: undefined, hash: 0, periodMs: 1, first: 0, count: 0 };
      const series = known.get(seriesKey(stat.Metric.Namespace ?? '', stat.Metric.MetricName ?? '', stat.Metric.Dimensions ?? []));
      const periodMs = stat.Period * 1000;
      const from = Math.max(start, retentionStart(nowCap, stat.Period));
      const first = Math.ceil(from / periodMs) * periodMs;
      const last = Math.min(end - 1, nowCap - 1);
      const count = series && last >= first ? Math.floor((last - first) / periodMs) + 1 : 0;
      return { query, series, hash: series ? seriesHash(context.seed, request.account, request.region, series) : 0, periodMs, first, count };
    });

  const total = plans.reduce((sum, plan) => sum + plan.count, 0);
  let skip = offset;
  let room = maxDatapoints;
  const results = plans.map((plan) => {
    const from = Math.min(skip, plan.count);
    skip -= from;
    const take = Math.min(room, plan.count - from);
    room -= take;
    const timestamps: Date[] = [];
    const values: number[] = [];
    for (let k = from; k < from + take; k++) {
      const t = scanBy === 'TimestampAscending' ? plan.first + k * plan.periodMs : plan.first + (plan.count - 1 - k) * plan.periodMs;
      const value = plan.series && plan.query.MetricStat?.Stat ? statisticAt(plan.series, plan.hash, t, plan.periodMs / 1000, plan.query.MetricStat.Stat) : undefined;
      if (value === undefined) continue;
      timestamps.push(new Date(t));
      values.push(value);
    }
    const result: Record<string, unknown> = {
      Id: plan.query.Id,
      Label: plan.query.Label ?? plan.query.MetricStat?.Metric?.MetricName ?? plan.query.Expression,
      Timestamps: timestamps,
      Values: values,
      StatusCode: from + take < plan.count ? 'PartialData' : 'Complete',
    };
    if (plan.query.Expression) result.Messages = [{ Code: 'Unsupported', Value: 'The simulator does not evaluate metric math expressions.' }];
    return result;
  });

  const consumed = offset + (maxDatapoints - room);
  const output: Record<string, unknown> = { MetricDataResults: results, Messages: [] };
  if (consumed < total) output.NextToken = encodeToken({ o: consumed, n: nowCap }, requestPrint);
  return { output, billableUnits: queries.filter((q) => q.MetricStat).length };
};
