/**
 * What one EC2 instance costs per month, for the idle/underused savings.
 *
 * Choice: a price from the injected table (USD per hour, on-demand) when the instance's type is
 * known and priced; otherwise an equal share of the account's recent EC2 compute spend among
 * the instances that have no price. Both are estimates: the table ignores reservations,
 * savings plans and spot; the share assumes instances of one account cost alike. The basis is
 * recorded in the evidence so the tenant can judge the figure.
 */
import type { DailyCost } from '../domain/records.js';
import { mean } from './stats.js';

/** AWS prices monthly figures at 730 hours. */
export const HOURS_PER_MONTH = 730;
/** Days per month consistent with 730 hours. */
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** The Cost Explorer SERVICE value that holds instance-hours ("EC2 - Other" holds EBS, NAT, transfer). */
export const EC2_COMPUTE_SERVICE = 'Amazon Elastic Compute Cloud - Compute';

/**
 * On-demand USD per hour by instance type (`m5.large`), optionally per region
 * (`eu-west-1:m5.large`, looked up first).
 */
export type InstancePriceTable = Readonly<Record<string, number>>;

/** How an instance's monthly cost was estimated. */
export type CostBasis = 'price-table' | 'ec2-cost-share';

export interface InstanceCost {
  monthlyUsd: number;
  basis: CostBasis;
}

/** Hourly price of a type in a region from the table, or undefined. */
export function hourlyPrice(prices: InstancePriceTable | undefined, region: string, instanceType: string | undefined): number | undefined {
  if (!prices || !instanceType) return undefined;
  for (const key of [`${region}:${instanceType}`, instanceType]) {
    const price = Object.hasOwn(prices, key) ? prices[key] : undefined;
    if (price !== undefined && Number.isFinite(price) && price >= 0) return price;
  }
  return undefined;
}

/** The account's mean daily EC2 compute cost over `days`, times a month; undefined without data. */
export function ec2MonthlySpend(dailyCosts: readonly DailyCost[], days: readonly string[]): number | undefined {
  const wanted = new Set(days);
  const byDay = new Map<string, number>();
  for (const cost of dailyCosts) {
    if (cost.service !== EC2_COMPUTE_SERVICE || !wanted.has(cost.day) || !Number.isFinite(cost.amountUsd)) continue;
    byDay.set(cost.day, (byDay.get(cost.day) ?? 0) + cost.amountUsd);
  }
  return byDay.size === 0 ? undefined : mean([...byDay.values()]) * DAYS_PER_MONTH;
}

/**
 * Estimate the monthly cost of each running instance of one account. `running` are the instances
 * with data in the window (stopped ones cost no instance-hours); `ec2Monthly` the account's
 * monthly EC2 compute spend. Priced instances take their table price; the rest share what is left
 * of the spend. Instances with neither are absent from the result.
 */
export function estimateInstanceCosts(
  running: readonly { instanceId: string; region: string; instanceType?: string }[],
  prices: InstancePriceTable | undefined,
  ec2Monthly: number | undefined,
): Map<string, InstanceCost> {
  const costs = new Map<string, InstanceCost>();
  const unpriced: string[] = [];
  let priced = 0;
  for (const instance of running) {
    const hourly = hourlyPrice(prices, instance.region, instance.instanceType);
    if (hourly === undefined) {
      unpriced.push(instance.instanceId);
      continue;
    }
    const monthlyUsd = hourly * HOURS_PER_MONTH;
    priced += monthlyUsd;
    costs.set(instance.instanceId, { monthlyUsd, basis: 'price-table' });
  }
  if (ec2Monthly !== undefined && unpriced.length > 0) {
    const share = Math.max(0, ec2Monthly - priced) / unpriced.length;
    if (share > 0) for (const id of unpriced) costs.set(id, { monthlyUsd: share, basis: 'ec2-cost-share' });
  }
  return costs;
}
