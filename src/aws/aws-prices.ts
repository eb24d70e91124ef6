/**
 * What the monitoring's own AWS calls cost the tenant (AWS-FACTS.md; us-east-1 list prices,
 * checked against the AWS Cost Explorer FAQ and CloudWatch pricing).
 */

/** Cost Explorer API: per request; every page of a paginated answer is a request. */
export const COST_EXPLORER_USD_PER_REQUEST = 0.01;

/** CloudWatch GetMetricData: per metric requested (not per datapoint); no free tier. */
export const GET_METRIC_DATA_USD_PER_METRIC = 0.01 / 1000;

/** Counts of billable units. */
export interface BillableCounts {
  /** Successful Cost Explorer requests (pages). */
  costExplorerRequests: number;
  /** Metrics requested through successful GetMetricData calls (per call, pages included). */
  getMetricDataMetrics: number;
}

/** Estimated fee in USD for the counts, rounded to a hundredth of a cent. */
export function estimateFeeUsd(counts: BillableCounts): number {
  const usd = counts.costExplorerRequests * COST_EXPLORER_USD_PER_REQUEST + counts.getMetricDataMetrics * GET_METRIC_DATA_USD_PER_METRIC;
  return Math.round(usd * 10_000) / 10_000;
}
