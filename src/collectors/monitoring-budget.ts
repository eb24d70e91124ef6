/**
 * What a tenant's monitoring costs it a month at the step cadences (`cadences.ts`), and how far
 * the paid steps must be stretched to stay under the tenant's monthly cap. Pure, except for the
 * small per-tenant register the two paid collectors share (the metrics job tells it how many
 * metrics each account has; the cost job reads the stretch from it).
 */
import { COST_EXPLORER_USD_PER_REQUEST, GET_METRIC_DATA_USD_PER_METRIC } from '../aws/aws-prices.js';
import { isHeadline } from '../aws/metric-catalog.js';
import type { CollectorKind } from '../domain/tenant.js';
import { STEP_CADENCES, type StepCadence } from './cadences.js';

const MONTH_MS = 30 * 86_400_000;
const SIX_HOURS = 6 * 3_600_000;

/** The billable shape of one account: how many metrics of each tier its polls request. */
export interface AccountMeterShape {
  accountId: string;
  /** Headline metrics (one per resource), fetched at the headline cadence. */
  headlineMetrics: number;
  /** The other metrics at the collector's period, fetched at the "other" cadence. */
  otherMetrics: number;
  /** Daily-period metrics (S3 storage), fetched every 6 h or at the "other" cadence when longer. */
  dailyMetrics: number;
}

/** A month's projected fee, per paid data kind. */
export interface FeeProjectionUsd {
  /** The stretch applied to every paid cadence (1 = the default freshness). */
  stretch: number;
  getMetricDataMetrics: number;
  costExplorerRequests: number;
  getMetricDataUsd: number;
  costExplorerUsd: number;
  totalUsd: number;
}

const cents = (usd: number) => Math.round(usd * 10_000) / 10_000;

/**
 * Cost Explorer requests a month per account: the month backfill once a day and the recent
 * days at the other 12-hour mark (a due backfill replaces the recent fetch), plus forecast,
 * anomalies and rightsizing once a day — each one page.
 */
export function costExplorerRequestsPerMonth(stretch = 1): number {
  const c = STEP_CADENCES.cost;
  const s = Math.max(1, stretch);
  const recent = MONTH_MS / (c['GetCostAndUsage:recent'].everyMs * s);
  const daily = [c.GetCostForecast, c.GetAnomalies, c.GetRightsizingRecommendation].reduce((sum, step) => sum + MONTH_MS / (step.everyMs * s), 0);
  return recent + daily;
}

/** GetMetricData metrics requested a month for one account shape. */
export function metricsRequestedPerMonth(shape: Omit<AccountMeterShape, 'accountId'>, stretch = 1): number {
  const c = STEP_CADENCES.metrics;
  const s = Math.max(1, stretch);
  const other = c['GetMetricData:other'].everyMs * s;
  return (
    shape.headlineMetrics * (MONTH_MS / (c['GetMetricData:headline'].everyMs * s)) +
    shape.otherMetrics * (MONTH_MS / other) +
    shape.dailyMetrics * (MONTH_MS / Math.max(SIX_HOURS, other))
  );
}

/** The projected monthly fee of some accounts at a stretch (Cost Explorer counted once per account). */
export function projectMonthlyFee(accounts: readonly Omit<AccountMeterShape, 'accountId'>[], stretch = 1): FeeProjectionUsd {
  const s = Math.max(1, stretch);
  const getMetricDataMetrics = accounts.reduce((sum, a) => sum + metricsRequestedPerMonth(a, s), 0);
  const costExplorerRequests = accounts.length * costExplorerRequestsPerMonth(s);
  const getMetricDataUsd = getMetricDataMetrics * GET_METRIC_DATA_USD_PER_METRIC;
  const costExplorerUsd = costExplorerRequests * COST_EXPLORER_USD_PER_REQUEST;
  return {
    stretch: s,
    getMetricDataMetrics: Math.round(getMetricDataMetrics),
    costExplorerRequests: Math.round(costExplorerRequests),
    getMetricDataUsd: cents(getMetricDataUsd),
    costExplorerUsd: cents(costExplorerUsd),
    totalUsd: cents(getMetricDataUsd + costExplorerUsd),
  };
}

/**
 * The smallest stretch (>= 1) of the paid cadences that keeps the projected fee at or under
 * `capUsd`; 1 without a cap. Every paid fee is proportional to 1 / stretch except the daily
 * metrics' 6-hour floor, so the ratio is refined until the cap holds.
 */
export function stretchFor(accounts: readonly Omit<AccountMeterShape, 'accountId'>[], capUsd: number | undefined): number {
  if (capUsd === undefined || !(capUsd > 0)) return 1;
  const base = projectMonthlyFee(accounts, 1).totalUsd;
  if (base <= capUsd) return 1;
  let stretch = base / capUsd;
  for (let i = 0; i < 20 && projectMonthlyFee(accounts, stretch).totalUsd > capUsd; i++) stretch *= 1.05;
  // Two decimals: a stable figure to show and to persist.
  return Math.ceil(stretch * 100) / 100;
}

/** The per-tenant register the paid collectors share in one process. */
export interface FeePlans {
  /** The metrics job: an account's shape after discovery. */
  setShape(tenantId: string, shape: AccountMeterShape): void;
  /** The stretch the tenant's cap asks for over its known accounts (`accountIds`: the tenant's accounts). */
  stretch(tenantId: string, accountIds: readonly string[], capUsd: number | undefined): number;
  /** The known shapes of a tenant's accounts. */
  shapes(tenantId: string, accountIds: readonly string[]): AccountMeterShape[];
  /** True when the metrics job has told the shape of every one of these accounts since the process started. */
  known(tenantId: string, accountIds: readonly string[]): boolean;
}

/**
 * Create the register. An account whose shape is not known yet (the metrics job has not
 * discovered it since the process started) counts with no metrics: its Cost Explorer fee is still
 * counted, and the next discovery (minutes after a start) corrects the figure.
 */
export function createFeePlans(): FeePlans {
  const byTenant = new Map<string, Map<string, AccountMeterShape>>();
  const shapes = (tenantId: string, accountIds: readonly string[]) =>
    accountIds.map((accountId) => byTenant.get(tenantId)?.get(accountId) ?? { accountId, headlineMetrics: 0, otherMetrics: 0, dailyMetrics: 0 });
  return {
    setShape(tenantId, shape) {
      let accounts = byTenant.get(tenantId);
      if (!accounts) byTenant.set(tenantId, (accounts = new Map()));
      accounts.set(shape.accountId, shape);
    },
    stretch: (tenantId, accountIds, capUsd) => stretchFor(shapes(tenantId, accountIds), capUsd),
    shapes,
    known: (tenantId, accountIds) => accountIds.every((id) => byTenant.get(tenantId)?.has(id) === true),
  };
}

/** The tiers of some series descriptors, as the metrics job bills them (headline, other, daily). */
export function meterShapeOf(accountId: string, series: readonly { metric: { namespace: string; metricName: string; dimensions: readonly { name: string }[] }; periodSec: number }[]): AccountMeterShape {
  const shape: AccountMeterShape = { accountId, headlineMetrics: 0, otherMetrics: 0, dailyMetrics: 0 };
  for (const s of series) {
    if (s.periodSec >= 86_400) shape.dailyMetrics++;
    else if (isHeadline(s.metric)) shape.headlineMetrics++;
    else shape.otherMetrics++;
  }
  return shape;
}

/** How fresh one data kind is kept, at the default and under the cap. */
export interface FreshnessLine {
  collector: CollectorKind;
  step: string;
  data: string;
  paid: boolean;
  defaultEveryMs: number;
  /** After the cap's stretch (free steps never stretch). */
  everyMs: number;
}

/** A tenant's monitoring plan: the fee at the default freshness, under its cap, and the freshness each data kind gets. */
export interface MonitoringPlan {
  capUsd: number | null;
  stretch: number;
  defaultFee: FeeProjectionUsd;
  plannedFee: FeeProjectionUsd;
  freshness: FreshnessLine[];
}

/** The plan of a tenant's accounts under its cap (pure; the dashboard shows it, the jobs apply the same stretch). */
export function monitoringPlan(accounts: readonly Omit<AccountMeterShape, 'accountId'>[], capUsd: number | undefined): MonitoringPlan {
  const stretch = stretchFor(accounts, capUsd);
  const freshness: FreshnessLine[] = [];
  for (const collector of Object.keys(STEP_CADENCES) as CollectorKind[]) {
    for (const [step, cadence] of Object.entries(STEP_CADENCES[collector]) as [string, StepCadence][]) {
      freshness.push({ collector, step, data: cadence.data, paid: cadence.paid, defaultEveryMs: cadence.everyMs, everyMs: cadence.paid ? Math.round(cadence.everyMs * stretch) : cadence.everyMs });
    }
  }
  return {
    capUsd: capUsd !== undefined && capUsd > 0 ? capUsd : null,
    stretch,
    defaultFee: projectMonthlyFee(accounts, 1),
    plannedFee: projectMonthlyFee(accounts, stretch),
    freshness,
  };
}

/**
 * The README's reference account as the simulator generates it (account 100000000004, seed 7,
 * given 50 EC2 instances): its billable metrics per tier. `test/aws/monitoring-cost.test.ts`
 * checks these counts against what discovery finds, so they cannot drift from the measurement.
 */
export const REFERENCE_ACCOUNT_SHAPE = { ec2Instances: 50, regions: 3, headlineMetrics: 164, otherMetrics: 364, dailyMetrics: 14 };

/** What connecting an account will cost, shown before it is connected. */
export interface FeeGuide {
  /** Cost Explorer, per account a month (independent of its resources). */
  costExplorerUsdPerAccount: number;
  /** A month of one headline metric (one per resource) and of one other metric, at the default freshness. */
  headlineMetricUsd: number;
  otherMetricUsd: number;
  /** The reference account's month (3 regions, 50 instances and the simulator's mix of other resources). */
  reference: typeof REFERENCE_ACCOUNT_SHAPE & { feeUsd: number };
  /** Once, on connect: the backfills (not in the monthly figures, not stretched by a cap). */
  oneOff: ConnectOneOff;
}

/** What connecting an account costs once: the 24-hour metric backfill and the Cost Explorer history. */
export interface ConnectOneOff {
  /** Per metric: one GetMetricData metric request for its past 24 hours. */
  metricBackfillUsdPerMetric: number;
  /** Cost Explorer requests of the history for the reference account (12 months MONTHLY, 90 days DAILY by service and region). */
  costHistoryRequests: number;
  costHistoryUsd: number;
  /** Both, for the reference account (its metrics backfilled once). */
  referenceUsd: number;
}

/**
 * The Cost Explorer requests of the history fetched on connect (`cost-job.ts`) for the reference
 * account: one MONTHLY page and two DAILY pages (90 days by service and region, measured by
 * test/collectors/cost-history.test.ts). An account in one region needs two.
 */
export const COST_HISTORY_REQUESTS = 3;

/** The one-off fee of connecting an account with `metrics` metrics (a change of its regions or selection re-runs the metric part). */
export function connectOneOffUsd(metrics: number): number {
  return cents(metrics * GET_METRIC_DATA_USD_PER_METRIC + COST_HISTORY_REQUESTS * COST_EXPLORER_USD_PER_REQUEST);
}

/** The fee guide: unit prices at the default cadences and the reference account's total. */
export function feeGuide(): FeeGuide {
  const unit = (shape: Omit<AccountMeterShape, 'accountId'>) => metricsRequestedPerMonth(shape) * GET_METRIC_DATA_USD_PER_METRIC;
  return {
    costExplorerUsdPerAccount: cents(costExplorerRequestsPerMonth() * COST_EXPLORER_USD_PER_REQUEST),
    headlineMetricUsd: cents(unit({ headlineMetrics: 1, otherMetrics: 0, dailyMetrics: 0 })),
    otherMetricUsd: cents(unit({ headlineMetrics: 0, otherMetrics: 1, dailyMetrics: 0 })),
    reference: { ...REFERENCE_ACCOUNT_SHAPE, feeUsd: projectMonthlyFee([REFERENCE_ACCOUNT_SHAPE]).totalUsd },
    oneOff: {
      metricBackfillUsdPerMetric: GET_METRIC_DATA_USD_PER_METRIC,
      costHistoryRequests: COST_HISTORY_REQUESTS,
      costHistoryUsd: cents(COST_HISTORY_REQUESTS * COST_EXPLORER_USD_PER_REQUEST),
      referenceUsd: connectOneOffUsd(REFERENCE_ACCOUNT_SHAPE.headlineMetrics + REFERENCE_ACCOUNT_SHAPE.otherMetrics + REFERENCE_ACCOUNT_SHAPE.dailyMetrics),
    },
  };
}
