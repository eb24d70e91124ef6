/**
 * An account's metric selection applied to discovered metrics, and what a selection costs per
 * month. Pure: the gateway applies it on every poll, the API shows its fee before it is saved.
 */
import type { MetricRef } from '../domain/records.js';
import type { CustomMetric, MetricSelection } from '../domain/tenant.js';
import { GET_METRIC_DATA_USD_PER_METRIC } from './aws-prices.js';
import { CATALOG_SERVICES, serviceOf, type ServiceId } from './metric-catalog.js';
import { cadenceMs } from './metric-queries.js';
import { STEP_CADENCES } from '../collectors/cadences.js';

/** The key of a catalog metric in `MetricSelection.disabledMetrics`. */
export function metricKey(service: ServiceId | string, metricName: string): string {
  return `${service}:${metricName}`;
}

function identity(ref: Pick<MetricRef, 'namespace' | 'metricName' | 'dimensions' | 'stat'>): string {
  const dims = [...ref.dimensions].sort((a, b) => a.name.localeCompare(b.name)).map((d) => `${d.name}=${d.value}`);
  return JSON.stringify([ref.namespace, ref.metricName, dims, ref.stat]);
}

/** True when the selection keeps a discovered metric (metrics outside the catalog are kept). */
export function isSelected(ref: MetricRef, selection: MetricSelection | undefined): boolean {
  if (!selection) return true;
  const service = serviceOf(ref.namespace, ref.dimensions.map((d) => d.name));
  if (!service) return true;
  if (selection.disabledServices?.includes(service.id)) return false;
  return !selection.disabledMetrics?.includes(metricKey(service.id, ref.metricName));
}

/** The metrics to fetch in `region`: the discovered ones the selection keeps, plus its custom metrics there (once each). */
export function applySelection(refs: readonly MetricRef[], region: string, selection: MetricSelection | undefined): MetricRef[] {
  const kept = refs.filter((ref) => isSelected(ref, selection));
  const seen = new Set(kept.map(identity));
  for (const custom of selection?.custom ?? []) {
    if (custom.region !== region) continue;
    const ref: MetricRef = { namespace: custom.namespace, metricName: custom.metricName, dimensions: custom.dimensions.map((d) => ({ ...d })), stat: custom.stat };
    if (seen.has(identity(ref))) continue;
    seen.add(identity(ref));
    kept.push(ref);
  }
  return kept;
}

const MONTH_MS = 30 * 86_400_000;

/** Polls a month of one metric at a collector interval (long-period metrics at their own cadence, as `isDue` decides). */
export function pollsPerMonth(intervalMs: number, periodSec?: number): number {
  const cadence = periodSec && periodSec * 1000 > intervalMs ? cadenceMs(periodSec) : intervalMs;
  return MONTH_MS / (intervalMs >= cadence / 4 ? intervalMs : cadence);
}

/** GetMetricData's monthly fee of one metric fetched at `intervalMs`: $0.01 per 1,000 metrics requested, per poll. */
export function monthlyFeeUsd(intervalMs: number, periodSec?: number): number {
  return pollsPerMonth(intervalMs, periodSec) * GET_METRIC_DATA_USD_PER_METRIC;
}

/**
 * How often a metric of a tier is fetched: the headline metric of each resource at the headline
 * cadence, the others hourly (`src/collectors/cadences.ts`), never faster than the collector ticks.
 */
export function tierIntervalMs(collectorIntervalMs: number, headline: boolean): number {
  const tier = STEP_CADENCES.metrics[headline ? 'GetMetricData:headline' : 'GetMetricData:other'].everyMs;
  return Math.max(collectorIntervalMs, tier);
}

const cents = (usd: number) => Math.round(usd * 10_000) / 10_000;

/** One catalog metric's line in a projection: how many series discovery found and what they cost when on. */
export interface MetricLine {
  metricName: string;
  stat: string;
  enabled: boolean;
  series: number;
  monthlyFeeUsd: number;
}

/** One catalog service's line. */
export interface ServiceLine {
  id: ServiceId;
  label: string;
  namespace: string;
  enabled: boolean;
  /** Distinct resources discovery found. */
  resources: number;
  metrics: MetricLine[];
  /** What its enabled metrics cost a month. */
  monthlyFeeUsd: number;
}

/** What a selection fetches and costs a month, at the account's metrics interval. */
export interface FeeProjection {
  intervalMs: number;
  services: ServiceLine[];
  custom: { metric: CustomMetric; monthlyFeeUsd: number }[];
  /** The selection's monthly GetMetricData fee. */
  monthlyFeeUsd: number;
  /** With every catalog metric on and no custom metrics. */
  fullCatalogFeeUsd: number;
}

/**
 * Project the monthly fee of `selection` over the metrics discovery found (`discovered`, every
 * region of the account). Pages of long windows would add calls; at the collector's windows
 * (a few datapoints per metric) there are none.
 */
export function projectFee(discovered: readonly MetricRef[], selection: MetricSelection | undefined, intervalMs: number): FeeProjection {
  const services: ServiceLine[] = CATALOG_SERVICES.map((service) => {
    const ofService = discovered.filter((ref) => serviceOf(ref.namespace, ref.dimensions.map((d) => d.name))?.id === service.id);
    const resources = new Set(ofService.map((ref) => service.resourceDimensions.map((n) => ref.dimensions.find((d) => d.name === n)?.value).join('/')));
    const serviceOn = !selection?.disabledServices?.includes(service.id);
    const metrics = service.metrics.map((metric): MetricLine => {
      const series = ofService.filter((ref) => ref.metricName === metric.metricName).length;
      const enabled = serviceOn && !selection?.disabledMetrics?.includes(metricKey(service.id, metric.metricName));
      const headline = metric === service.metrics[0] && metric.periodSec === undefined;
      const fee = monthlyFeeUsd(tierIntervalMs(intervalMs, headline), metric.periodSec);
      return { metricName: metric.metricName, stat: metric.stat, enabled, series, monthlyFeeUsd: cents(series * fee) };
    });
    const fee = metrics.filter((m) => m.enabled).reduce((sum, m) => sum + m.monthlyFeeUsd, 0);
    return { id: service.id, label: service.label, namespace: service.namespace, enabled: serviceOn, resources: resources.size, metrics, monthlyFeeUsd: cents(fee) };
  });
  const custom = (selection?.custom ?? []).map((metric) => ({ metric, monthlyFeeUsd: cents(monthlyFeeUsd(tierIntervalMs(intervalMs, false))) }));
  const total = services.reduce((sum, s) => sum + s.monthlyFeeUsd, 0) + custom.reduce((sum, c) => sum + c.monthlyFeeUsd, 0);
  const full = services.reduce((sum, s) => sum + s.metrics.reduce((a, m) => a + m.monthlyFeeUsd, 0), 0);
  return { intervalMs, services, custom, monthlyFeeUsd: cents(total), fullCatalogFeeUsd: cents(full) };
}
