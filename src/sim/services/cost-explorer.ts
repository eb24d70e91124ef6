/**
 * Cost Explorer over awsJson1_1 (target AWSInsightsIndexService): GetCostAndUsage and
 * GetCostForecast here, GetAnomalies and GetRightsizingRecommendation in cost-insights.ts.
 * Every successful request is billable (one unit, every page).
 */
import { DAY_MS, SERVICE, actualCost, amount, costModel, dayString, expectedCost, regionShares } from '../world/costs.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import { SimError, validationError } from '../sim-error.js';
import { invalidNextToken, timePeriod, type Period } from './cost-common.js';
import { getAnomalies, getRightsizingRecommendation } from './cost-insights.js';
import type { ServiceDefinition, SimContext } from './service.js';

/**
 * Group rows per GetCostAndUsage page (a result without groups counts as one row; a time bucket is
 * never split). AWS documents no page size ("AWS provides the token when the response from a
 * previous call has more results than the maximum page size", GetCostAndUsage API reference), but
 * a month of daily cost grouped by SERVICE comes back in one page. The simulator's bound is its own
 * choice: 2,000 rows holds 31 days of up to ~64 services, so only long ranges or two-level
 * groupings (SERVICE x LINKED_ACCOUNT in an organisation, SERVICE x REGION over months) page.
 * A row is one group (one combination of the GroupBy keys) of one time bucket.
 */
export const COST_PAGE_ROWS = 2_000;

/**
 * How far back GetCostAndUsage reaches: the 13 months before the current one. Cost Explorer keeps
 * 13 months of history; with multi-year data enabled (a payer-account preference the simulator
 * does not model) up to 38 months at MONTHLY and 14 at DAILY granularity. An earlier Start is a
 * ValidationException. GetCostAndUsage API reference:
 * https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html
 * (TimePeriod; the history limits: Cost Explorer user guide, "Exploring your data using Cost Explorer").
 */
export const HISTORY_MONTHS = 13;

/** The first day (day number) GetCostAndUsage answers for at `now`. */
export function oldestCostDay(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - HISTORY_MONTHS, 1) / DAY_MS;
}

const COST_METRICS = new Set(['AmortizedCost', 'BlendedCost', 'NetAmortizedCost', 'NetUnblendedCost', 'NormalizedUsageAmount', 'UnblendedCost', 'UsageQuantity']);
const FORECAST_METRICS = new Set(['AMORTIZED_COST', 'BLENDED_COST', 'NET_AMORTIZED_COST', 'NET_UNBLENDED_COST', 'UNBLENDED_COST']);
const SERVICES = Object.values(SERVICE);

/** Split a period into result buckets: days, or calendar months clipped to the period. */
function buckets(period: Period, granularity: string): Period[] {
  const out: Period[] = [];
  if (granularity === 'DAILY') {
    for (let d = period.start; d < period.end; d++) out.push({ start: d, end: d + 1 });
    return out;
  }
  for (let d = period.start; d < period.end; ) {
    const date = new Date(d * DAY_MS);
    const next = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / DAY_MS;
    out.push({ start: d, end: Math.min(next, period.end) });
    d = Math.min(next, period.end);
  }
  return out;
}

/** Cost of `service` over a bucket as known at `now`: today is partial, the future has none. */
function bucketCost(context: SimContext, account: string, service: string, bucket: Period): number {
  const model = costModel(context.seed, account);
  const now = context.now();
  const today = Math.floor(now / DAY_MS);
  // A new account has no cost before the day it was opened.
  const opened = context.accounts.openedDay(account) ?? Number.NEGATIVE_INFINITY;
  let total = 0;
  for (let d = Math.max(bucket.start, opened); d < bucket.end && d <= today; d++) {
    const cost = actualCost(context.seed, model, service, d);
    total += d === today ? (cost * (now - today * DAY_MS)) / DAY_MS : cost;
  }
  return total;
}

function metricValues(metrics: string[], cost: number): Record<string, { Amount: string; Unit: string }> {
  const out: Record<string, { Amount: string; Unit: string }> = {};
  for (const metric of metrics) out[metric] = metric === 'UsageQuantity' || metric === 'NormalizedUsageAmount' ? { Amount: amount(cost * 12.5), Unit: 'N/A' } : { Amount: amount(cost), Unit: 'USD' };
  return out;
}

/** The services a Filter keeps: only `Dimensions: { Key: 'SERVICE', Values }` is understood; others keep all. */
function filteredServices(filter: unknown): string[] {
  const dims = (filter as { Dimensions?: { Key?: string; Values?: string[] } } | undefined)?.Dimensions;
  if (dims?.Key === 'SERVICE' && Array.isArray(dims.Values)) return SERVICES.filter((s) => dims.Values?.includes(s));
  return SERVICES;
}

export const costExplorer: ServiceDefinition = {
  service: 'ce',
  signingName: 'ce',
  wire: { protocol: 'awsJson1_1' },
  target: 'AWSInsightsIndexService',
  operations: {
    GetCostAndUsage(request, context) {
      const input = request.input as { TimePeriod?: unknown; Granularity?: string; Metrics?: string[]; GroupBy?: { Type?: string; Key?: string }[]; Filter?: unknown; NextPageToken?: string };
      const period = timePeriod(input.TimePeriod);
      if (period.start < oldestCostDay(context.now())) {
        throw validationError('ce', `Start date must be on or after ${dayString(oldestCostDay(context.now()))}: Cost Explorer holds the last ${HISTORY_MONTHS} months`);
      }
      const granularity = input.Granularity ?? '';
      if (granularity === 'HOURLY') throw validationError('ce', 'Hourly granularity is not enabled for this account');
      if (granularity !== 'DAILY' && granularity !== 'MONTHLY') throw validationError('ce', `Granularity must be DAILY or MONTHLY, not ${granularity}`);
      const metrics = input.Metrics ?? [];
      if (metrics.length === 0 || metrics.some((m) => !COST_METRICS.has(m))) throw validationError('ce', `Metrics must be some of ${[...COST_METRICS].join(', ')}`);
      const groupBy = input.GroupBy ?? [];
      // "You can group Amazon Web Services costs using up to two different groups, either
      // dimensions, tag keys, cost categories, or any two group by types." (GetCostAndUsage API
      // reference, GroupBy: https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html)
      if (groupBy.length > 2) throw validationError('ce', 'GroupBy takes at most two group definitions');
      for (const group of groupBy) {
        if (group.Type !== 'DIMENSION' || (group.Key !== 'SERVICE' && group.Key !== 'LINKED_ACCOUNT' && group.Key !== 'REGION')) {
          throw validationError('ce', `The simulator groups by DIMENSION SERVICE, LINKED_ACCOUNT or REGION only, not ${group.Type} ${group.Key}`);
        }
      }
      if (new Set(groupBy.map((g) => g.Key)).size < groupBy.length) throw validationError('ce', 'GroupBy definitions must be different');
      const byRegion = groupBy.some((g) => g.Key === 'REGION');
      const all = buckets(period, granularity);
      const requestPrint = fingerprint([input.TimePeriod, granularity, metrics, groupBy, input.Filter]);
      let offset = 0;
      if (input.NextPageToken !== undefined) {
        const position = decodeToken(input.NextPageToken, requestPrint);
        if (!position) throw invalidNextToken();
        offset = Number(position.o);
      }
      const services = filteredServices(input.Filter);
      const today = Math.floor(context.now() / DAY_MS);
      const thisMonth = dayString(today).slice(0, 7);
      const results: Record<string, unknown>[] = [];
      let rows = 0;
      let next = offset;
      for (; next < all.length; next++) {
        const bucket = all[next]!;
        // Split by region when asked: each service's cost over its regions (exact shares, deterministic).
        const costs = services
          .flatMap((service) => {
            const cost = bucketCost(context, request.account, service, bucket);
            return byRegion ? regionShares(context.seed, request.account, service).map((s) => ({ service, region: s.region, cost: cost * s.share })) : [{ service, region: '', cost }];
          })
          .filter((c) => c.cost > 0);
        const bucketRows = groupBy.length === 0 ? 1 : Math.max(1, costs.length);
        if (results.length > 0 && rows + bucketRows > COST_PAGE_ROWS) break;
        rows += bucketRows;
        const result: Record<string, unknown> = {
          TimePeriod: { Start: dayString(bucket.start), End: dayString(bucket.end) },
          // Like AWS: the current month's figures are estimates until the bill closes.
          Estimated: dayString(bucket.end - 1).slice(0, 7) >= thisMonth,
        };
        if (groupBy.length === 0) {
          result.Total = metricValues(metrics, costs.reduce((sum, c) => sum + c.cost, 0));
          result.Groups = [];
        } else {
          result.Total = {};
          result.Groups = costs.map((c) => ({
            Keys: groupBy.map((g) => (g.Key === 'SERVICE' ? c.service : g.Key === 'REGION' ? c.region : request.account)),
            Metrics: metricValues(metrics, c.cost),
          }));
        }
        results.push(result);
      }
      const output: Record<string, unknown> = { GroupDefinitions: groupBy, ResultsByTime: results, DimensionValueAttributes: [] };
      if (next < all.length) output.NextPageToken = encodeToken({ o: next }, requestPrint);
      return { output, billableUnits: 1 };
    },

    GetCostForecast(request, context) {
      const input = request.input as { TimePeriod?: unknown; Metric?: string; Granularity?: string; PredictionIntervalLevel?: number; Filter?: unknown };
      const period = timePeriod(input.TimePeriod);
      const today = Math.floor(context.now() / DAY_MS);
      if (period.start < today) throw validationError('ce', `Start date must be equal to or later than the current date (${dayString(today)})`);
      if (!input.Metric || !FORECAST_METRICS.has(input.Metric)) throw validationError('ce', `Metric must be one of ${[...FORECAST_METRICS].join(', ')}`);
      const granularity = input.Granularity ?? '';
      if (granularity !== 'DAILY' && granularity !== 'MONTHLY') throw validationError('ce', `Granularity must be DAILY or MONTHLY, not ${granularity}`);
      const level = input.PredictionIntervalLevel ?? 80;
      if (!Number.isInteger(level) || level < 51 || level > 99) throw validationError('ce', 'PredictionIntervalLevel must be between 51 and 99');
      if (context.accounts.openedDay(request.account) !== undefined) {
        // A new account has too little history to forecast: DataUnavailableException, a modelled
        // 400 client error of GetCostForecast (Cost Explorer API reference, GetCostForecast Errors).
        throw new SimError('DataUnavailableException', 'Insufficient amount of historical data to generate forecast.', { namespace: 'com.amazonaws.costexplorer' });
      }
      const model = costModel(context.seed, request.account);
      const services = filteredServices(input.Filter);
      // The band widens with the horizon and with the confidence asked for.
      const width = (day: number) => (0.04 + 0.003 * (day - today)) * (level / 80);
      let total = 0;
      const results = buckets(period, granularity).map((bucket) => {
        let mean = 0;
        let spread = 0;
        for (let d = bucket.start; d < bucket.end; d++) {
          const expected = services.reduce((sum, service) => sum + expectedCost(model, service, d), 0);
          mean += expected;
          spread += expected * width(d);
        }
        total += mean;
        return {
          TimePeriod: { Start: dayString(bucket.start), End: dayString(bucket.end) },
          MeanValue: amount(mean),
          PredictionIntervalLowerBound: amount(Math.max(0, mean - spread)),
          PredictionIntervalUpperBound: amount(mean + spread),
        };
      });
      return { output: { Total: { Amount: amount(total), Unit: 'USD' }, ForecastResultsByTime: results }, billableUnits: 1 };
    },

    GetAnomalies: getAnomalies,
    GetRightsizingRecommendation: getRightsizingRecommendation,
  },
};
