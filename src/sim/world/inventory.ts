/**
 * The resources of a simulated account: its regions and, per region, EC2 instances (idle,
 * normal and hot), RDS instances, Lambda functions, a load balancer and whether GuardDuty is on.
 * A pure function of (seed, account), memoised.
 */
import { chance, hex, pick } from '../prng.js';

/** How busy an EC2 instance is: idle ~1-3 % CPU, normal 20-60 %, hot 85-97 %. */
export type CpuProfile = 'idle' | 'normal' | 'hot';

export interface Ec2Instance {
  id: string;
  name: string;
  type: string;
  profile: CpuProfile;
  /** Mean CPU % around which the daily shape moves. */
  cpuLevel: number;
  availabilityZone: string;
}

export interface RdsInstance {
  id: string;
  engine: string;
  instanceClass: string;
}

export interface LambdaFunction {
  name: string;
  /** Fails more than 10 % of its invocations (peers' Lambda error-rate rule). */
  errorProne: boolean;
}

export interface RegionInventory {
  region: string;
  ec2: Ec2Instance[];
  rds: RdsInstance[];
  lambdas: LambdaFunction[];
  /** ALB dimension values, e.g. `app/web-alb/50dc6c495c0c9188`. */
  loadBalancers: string[];
  /** GuardDuty detector id, or undefined where GuardDuty is not enabled. */
  detectorId: string | undefined;
}

export interface AccountInventory {
  account: string;
  regions: RegionInventory[];
}

/** On-demand Linux prices (USD/hour, us-east-1) for the types the simulator uses. */
export const EC2_HOURLY: Readonly<Record<string, number>> = {
  't3.micro': 0.0104,
  't3.medium': 0.0416,
  't3.large': 0.0832,
  'm5.large': 0.096,
  'm5.xlarge': 0.192,
  'm5.2xlarge': 0.384,
  'c5.large': 0.085,
  'c5.xlarge': 0.17,
  'r5.large': 0.126,
  'r5.xlarge': 0.252,
};

/** RDS prices (USD/hour) for the classes the simulator uses. */
export const RDS_HOURLY: Readonly<Record<string, number>> = { 'db.t3.medium': 0.068, 'db.m5.large': 0.171, 'db.r5.large': 0.25 };

const EXTRA_REGIONS = ['eu-west-1', 'ap-southeast-2', 'us-west-2', 'eu-central-1'] as const;
const EC2_NAMES = ['web', 'api', 'worker', 'batch', 'cache', 'build', 'etl', 'bastion'] as const;
const LAMBDA_NAMES = ['image-resize', 'order-webhook', 'nightly-report', 'auth-callback', 'queue-consumer', 'thumbnailer'] as const;
const RDS_NAMES = ['orders-db', 'analytics-db', 'users-db', 'billing-db'] as const;
const TYPES_BY_PROFILE: Record<CpuProfile, readonly string[]> = {
  idle: ['m5.xlarge', 'm5.large', 'c5.xlarge', 'r5.large', 'm5.2xlarge'],
  normal: ['t3.medium', 't3.large', 'm5.large', 'c5.large', 'r5.large'],
  hot: ['t3.medium', 'c5.large', 'm5.large', 't3.micro'],
};

const cache = new Map<string, AccountInventory>();

function profileFor(seed: number, account: string, regionIndex: number, index: number): CpuProfile {
  // The first region always holds one idle, one normal and one hot instance, so every account
  // exercises the idle and hot rules.
  if (regionIndex === 0 && index < 3) return (['idle', 'normal', 'hot'] as const)[index] ?? 'normal';
  const r = chance(seed, account, 'profile', regionIndex, index);
  return r < 0.3 ? 'idle' : r < 0.8 ? 'normal' : 'hot';
}

function cpuLevel(profile: CpuProfile, r: number): number {
  if (profile === 'idle') return 1.3 + r * 1.2;
  if (profile === 'hot') return 88 + r * 6;
  return 22 + r * 33;
}

function regionInventory(seed: number, account: string, region: string, regionIndex: number): RegionInventory {
  const key = `${account}/${region}`;
  const ec2Count = 3 + Math.floor(chance(seed, key, 'ec2-count') * 4);
  const ec2: Ec2Instance[] = [];
  for (let i = 0; i < ec2Count; i++) {
    const profile = profileFor(seed, account, regionIndex, i);
    ec2.push({
      id: `i-0${hex(16, seed, key, 'ec2', i)}`,
      name: `${pick(EC2_NAMES, seed, key, 'ec2-name', i)}-${i + 1}`,
      type: pick(TYPES_BY_PROFILE[profile], seed, key, 'ec2-type', i),
      profile,
      cpuLevel: cpuLevel(profile, chance(seed, key, 'cpu', i)),
      availabilityZone: `${region}${pick(['a', 'b', 'c'], seed, key, 'az', i)}`,
    });
  }
  const rdsCount = 1 + Math.floor(chance(seed, key, 'rds-count') * 2);
  const rds: RdsInstance[] = [];
  for (let i = 0; i < rdsCount; i++) {
    rds.push({
      id: `${RDS_NAMES[(i + regionIndex) % RDS_NAMES.length]}-${hex(4, seed, key, 'rds', i)}`,
      engine: pick(['postgres', 'mysql', 'aurora-postgresql'], seed, key, 'engine', i),
      instanceClass: pick(Object.keys(RDS_HOURLY), seed, key, 'class', i),
    });
  }
  const lambdaCount = 2 + Math.floor(chance(seed, key, 'lambda-count') * 3);
  const lambdas: LambdaFunction[] = [];
  for (let i = 0; i < lambdaCount; i++) {
    lambdas.push({
      name: `${LAMBDA_NAMES[(i + regionIndex * 2) % LAMBDA_NAMES.length]}`,
      errorProne: regionIndex === 0 ? i === 1 : chance(seed, key, 'lambda-errors', i) < 0.1,
    });
  }
  const guardDutyOn = chance(seed, key, 'guardduty') < (regionIndex === 0 ? 0.9 : 0.7);
  return {
    region,
    ec2,
    rds,
    lambdas,
    loadBalancers: [`app/${pick(['web', 'api', 'public'], seed, key, 'alb')}-alb/${hex(16, seed, key, 'alb-id')}`],
    detectorId: guardDutyOn ? detectorIdFor(seed, account, region) : undefined,
  };
}

/** The detector id GuardDuty has (or gets, when a finding is injected) in a region. */
export function detectorIdFor(seed: number, account: string, region: string): string {
  return hex(32, seed, `${account}/${region}`, 'detector');
}

/** The account's inventory: us-east-1 plus one or two other regions. */
export function inventoryFor(seed: number, account: string): AccountInventory {
  const cacheKey = `${seed}/${account}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const extra = [...EXTRA_REGIONS].sort((a, b) => chance(seed, account, 'region', a) - chance(seed, account, 'region', b));
  const names = ['us-east-1', ...extra.slice(0, 1 + Math.floor(chance(seed, account, 'region-count') * 2))];
  const inventory = { account, regions: names.map((region, index) => regionInventory(seed, account, region, index)) };
  // Bounded: drop the oldest entry (benchmarks touch tens of thousands of accounts).
  if (cache.size >= 20_000) cache.delete(cache.keys().next().value ?? '');
  cache.set(cacheKey, inventory);
  return inventory;
}

/** The inventory of one region, or undefined when the account has nothing there. */
export function regionOf(seed: number, account: string, region: string): RegionInventory | undefined {
  return inventoryFor(seed, account).regions.find((r) => r.region === region);
}
