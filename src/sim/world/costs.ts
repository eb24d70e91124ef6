/**
 * Daily cost per service of a simulated account: a base derived from its inventory, a slow trend
 * (a long sine, so it never runs away), a weekly shape, noise and an occasional spike. Days are
 * UTC day numbers (days since 1970-01-01).
 */
import { between, chance } from '../prng.js';
import { EC2_HOURLY, RDS_HOURLY, inventoryFor } from './inventory.js';

export const DAY_MS = 86_400_000;

/** Cost Explorer's SERVICE dimension values, as AWS spells them. */
export const SERVICE = {
  ec2: 'Amazon Elastic Compute Cloud - Compute',
  ec2Other: 'EC2 - Other',
  rds: 'Amazon Relational Database Service',
  s3: 'Amazon Simple Storage Service',
  lambda: 'AWS Lambda',
  elb: 'Amazon Elastic Load Balancing',
  cloudwatch: 'AmazonCloudWatch',
  guardduty: 'Amazon GuardDuty',
  costExplorer: 'AWS Cost Explorer',
} as const;

/** Services whose cost follows the working week. */
const WEEKLY = new Set<string>([SERVICE.ec2, SERVICE.ec2Other, SERVICE.lambda, SERVICE.elb]);
/** Services that spike now and then (a runaway job, a data transfer). */
const SPIKY = new Set<string>([SERVICE.ec2, SERVICE.ec2Other, SERVICE.lambda, SERVICE.s3]);
const SPIKE_RATE = 1 / 40;

export interface CostModel {
  account: string;
  /** Base daily cost (USD) per service. */
  base: Map<string, number>;
  trendAmplitude: number;
  trendPeriodDays: number;
  trendPhase: number;
}

const models = new Map<string, CostModel>();

/** The account's cost model (memoised). */
export function costModel(seed: number, account: string): CostModel {
  const key = `${seed}/${account}`;
  const cached = models.get(key);
  if (cached) return cached;
  const inventory = inventoryFor(seed, account);
  const all = inventory.regions;
  const ec2 = all.flatMap((r) => r.ec2).reduce((sum, i) => sum + (EC2_HOURLY[i.type] ?? 0.1) * 24, 0);
  const rds = all.flatMap((r) => r.rds).reduce((sum, db) => sum + (RDS_HOURLY[db.instanceClass] ?? 0.1) * 24, 0);
  const r = (name: string, min: number, max: number) => between(min, max, seed, account, 'cost', name);
  const base = new Map<string, number>([
    [SERVICE.ec2, ec2],
    [SERVICE.ec2Other, ec2 * r('ec2-other', 0.15, 0.35)],
    [SERVICE.rds, rds],
    [SERVICE.s3, r('s3', 2, 30)],
    [SERVICE.lambda, r('lambda', 0.2, 6)],
    [SERVICE.elb, all.length * (0.54 + r('lcu', 0.5, 3))],
    [SERVICE.cloudwatch, r('cloudwatch', 0.5, 5)],
    [SERVICE.guardduty, all.filter((x) => x.detectorId).length * r('guardduty', 0.3, 2)],
    [SERVICE.costExplorer, r('ce', 0.05, 0.5)],
  ]);
  const model = {
    account,
    base,
    trendAmplitude: r('trend-amp', 0.12, 0.35),
    trendPeriodDays: r('trend-period', 300, 700),
    trendPhase: r('trend-phase', 0, 700),
  };
  if (models.size >= 20_000) models.delete(models.keys().next().value ?? '');
  models.set(key, model);
  return model;
}

/** Cost without noise or spikes: what the trend and the weekly shape predict. */
export function expectedCost(model: CostModel, service: string, day: number): number {
  const base = model.base.get(service) ?? 0;
  const trend = 1 + model.trendAmplitude * Math.sin((2 * Math.PI * (day + model.trendPhase)) / model.trendPeriodDays);
  // 1970-01-01 was a Thursday: day % 7 of 2 and 3 are Saturday and Sunday.
  const weekend = day % 7 === 2 || day % 7 === 3;
  const weekly = WEEKLY.has(service) && weekend ? (service === SERVICE.lambda ? 0.7 : 0.8) : 1;
  return base * trend * weekly;
}

/** The spike multiplier of (service, day), or 1 when the day is ordinary. */
export function spikeFactor(seed: number, model: CostModel, service: string, day: number): number {
  if (!SPIKY.has(service) || chance(seed, model.account, 'spike', service, day) >= SPIKE_RATE) return 1;
  return between(2.2, 4, seed, model.account, 'spike-size', service, day);
}

/** The actual (billed) cost of a full day. */
export function actualCost(seed: number, model: CostModel, service: string, day: number): number {
  const noise = 1 + (chance(seed, model.account, 'noise', service, day) - 0.5) * 0.08;
  return expectedCost(model, service, day) * noise * spikeFactor(seed, model, service, day);
}

/** YYYY-MM-DD of a day number. */
export function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The day number of YYYY-MM-DD, or undefined when it is not a valid date. */
export function parseDay(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) || dayString(ms / DAY_MS) !== text ? undefined : ms / DAY_MS;
}

/** Cost Explorer amounts: strings with ten decimals. */
export function amount(value: number): string {
  return value.toFixed(10);
}

/**
 * How a service's daily cost splits over the account's regions (fractions summing to 1), fixed
 * per account: EC2 and RDS by what runs where, load balancers evenly, GuardDuty over regions with
 * a detector, the rest by seeded weights. Cost Explorer itself is billed in us-east-1 (its one
 * endpoint). The simulator's own model: AWS reports the REGION dimension per usage record.
 */
export function regionShares(seed: number, account: string, service: string): { region: string; share: number }[] {
  const key = `${seed}/${account}/${service}`;
  const cached = shareCache.get(key);
  if (cached) return cached;
  const regions = inventoryFor(seed, account).regions;
  let weights: number[];
  if (service === SERVICE.ec2 || service === SERVICE.ec2Other) weights = regions.map((r) => r.ec2.reduce((sum, i) => sum + (EC2_HOURLY[i.type] ?? 0.1), 0));
  else if (service === SERVICE.rds) weights = regions.map((r) => r.rds.reduce((sum, db) => sum + (RDS_HOURLY[db.instanceClass] ?? 0.1), 0));
  else if (service === SERVICE.elb) weights = regions.map(() => 1);
  else if (service === SERVICE.guardduty) weights = regions.map((r) => (r.detectorId ? 1 : 0));
  else if (service === SERVICE.costExplorer) weights = regions.map((r) => (r.region === 'us-east-1' ? 1 : 0));
  else weights = regions.map((r) => between(0.2, 1, seed, account, 'cost-region', service, r.region));
  const total = weights.reduce((sum, w) => sum + w, 0);
  const shares = total > 0 ? regions.map((r, i) => ({ region: r.region, share: weights[i]! / total })).filter((s) => s.share > 0) : [{ region: regions[0]?.region ?? 'us-east-1', share: 1 }];
  if (shareCache.size >= 50_000) shareCache.delete(shareCache.keys().next().value ?? '');
  shareCache.set(key, shares);
  return shares;
}

const shareCache = new Map<string, { region: string; share: number }[]>();
