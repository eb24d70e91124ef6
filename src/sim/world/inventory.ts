/**
 * The resources of a simulated account: its regions and, per region, EC2 instances (idle,
 * normal and hot), RDS instances, Lambda functions, a load balancer, the other services of the
 * metric catalog (volumes, queues, tables, caches, ...) and whether GuardDuty is on.
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
  /** The other catalog services' resources. */
  more: MoreResources;
}

/**
 * Resources of the other catalog services. In the first region the second queue is stuck (its
 * oldest message ages without bound) and the second table throttles, so every account exercises
 * the queue-age and throttling rules, as the error-prone Lambda exercises the error-rate rule.
 */
export interface MoreResources {
  volumes: string[];
  auroraClusters: string[];
  networkLoadBalancers: string[];
  restApis: string[];
  /** CloudFront is global: its distributions are in us-east-1's metrics only. */
  distributions: string[];
  buckets: string[];
  tables: { name: string; throttling: boolean }[];
  queues: { name: string; stuck: boolean }[];
  topics: string[];
  ecsServices: { cluster: string; service: string }[];
  cacheNodes: { cluster: string; node: string }[];
  fileSystems: string[];
  streams: string[];
  /** State machine ARNs (Step Functions' dimension value). */
  stateMachines: string[];
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
/** EC2 counts of explicitly configured accounts (`SimAccountConfig.ec2Instances`), by `seed/account`. */
const ec2Totals = new Map<string, number>();

/**
 * Give a configured account its EC2 count (undefined: generated). Per process and seed: the
 * inventory stays a function of (seed, account, configuration) that every service reads alike.
 */
export function shapeInventory(seed: number, account: string, ec2Instances: number | undefined): void {
  const key = `${seed}/${account}`;
  if (ec2Instances === undefined) ec2Totals.delete(key);
  else ec2Totals.set(key, ec2Instances);
  cache.delete(key);
}

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

function regionInventory(seed: number, account: string, region: string, regionIndex: number, ec2Override?: number): RegionInventory {
  const key = `${account}/${region}`;
  const ec2Count = ec2Override ?? 3 + Math.floor(chance(seed, key, 'ec2-count') * 4);
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
  const more = moreResources(seed, account, region, regionIndex, ec2.map((i) => i.id));
  const guardDutyOn = chance(seed, key, 'guardduty') < (regionIndex === 0 ? 0.9 : 0.7);
  return {
    region,
    ec2,
    rds,
    lambdas,
    loadBalancers: [`app/${pick(['web', 'api', 'public'], seed, key, 'alb')}-alb/${hex(16, seed, key, 'alb-id')}`],
    detectorId: guardDutyOn ? detectorIdFor(seed, account, region) : undefined,
    more,
  };
}

const QUEUE_NAMES = ['orders', 'emails', 'billing-events', 'image-jobs'] as const;
const TABLE_NAMES = ['sessions', 'orders', 'carts', 'events'] as const;

function moreResources(seed: number, account: string, region: string, regionIndex: number, instanceIds: readonly string[]): MoreResources {
  const key = `${account}/${region}`;
  const count = (what: string, min: number, spread: number) => min + Math.floor(chance(seed, key, `${what}-count`) * spread);
  const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
  const first = regionIndex === 0;
  return {
    // One root volume per instance plus one detached volume.
    volumes: [...instanceIds, 'detached'].map((id, i) => `vol-0${hex(16, seed, key, 'vol', id, i)}`),
    auroraClusters: first || chance(seed, key, 'aurora') < 0.4 ? [`aurora-${pick(['shop', 'ledger', 'catalog'], seed, key, 'aurora-name')}-cluster`] : [],
    networkLoadBalancers: [`net/${pick(['tcp', 'grpc', 'mqtt'], seed, key, 'nlb')}-nlb/${hex(16, seed, key, 'nlb-id')}`],
    restApis: times(count('api', 1, 2), (i) => `${pick(['public-api', 'partner-api', 'mobile-api'], seed, key, 'api', i)}-${i + 1}`),
    distributions: region === 'us-east-1' ? times(count('cf', 1, 2), (i) => `E${hex(13, seed, key, 'cf', i).toUpperCase()}`) : [],
    buckets: times(count('s3', 2, 2), (i) => `${pick(['assets', 'logs', 'backups', 'uploads'], seed, key, 's3', i)}-${hex(8, seed, key, 's3-id', i)}`),
    tables: times(count('ddb', 2, 2), (i) => ({ name: `${TABLE_NAMES[(i + regionIndex) % TABLE_NAMES.length]}-${i + 1}`, throttling: first ? i === 1 : chance(seed, key, 'ddb-throttle', i) < 0.1 })),
    queues: times(count('sqs', 2, 2), (i) => ({ name: `${QUEUE_NAMES[(i + regionIndex) % QUEUE_NAMES.length]}-${i + 1}`, stuck: first ? i === 1 : chance(seed, key, 'sqs-stuck', i) < 0.1 })),
    topics: times(count('sns', 1, 2), (i) => `${pick(['ops-alerts', 'order-events', 'signups'], seed, key, 'sns', i)}-${i + 1}`),
    ecsServices: times(count('ecs', 1, 2), (i) => ({ cluster: 'apps', service: `${pick(['web', 'api', 'worker'], seed, key, 'ecs', i)}-${i + 1}` })),
    cacheNodes: ['0001', '0002'].map((node) => ({ cluster: `cache-${hex(4, seed, key, 'cache')}`, node })),
    fileSystems: times(count('efs', 1, 1), (i) => `fs-${hex(17, seed, key, 'efs', i)}`),
    streams: times(count('kinesis', 1, 2), (i) => `${pick(['clickstream', 'audit', 'telemetry'], seed, key, 'kinesis', i)}-${i + 1}`),
    stateMachines: times(count('sfn', 1, 2), (i) => `arn:aws:states:${region}:${account}:stateMachine:${pick(['checkout', 'onboarding', 'refunds'], seed, key, 'sfn', i)}-${i + 1}`),
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
  const total = ec2Totals.get(cacheKey);
  // A configured total is spread evenly, the first regions taking the remainder.
  const share = (index: number) => (total === undefined ? undefined : Math.floor(total / names.length) + (index < total % names.length ? 1 : 0));
  const inventory = { account, regions: names.map((region, index) => regionInventory(seed, account, region, index, share(index))) };
  // Bounded: drop the oldest entry (benchmarks touch tens of thousands of accounts).
  if (cache.size >= 20_000) cache.delete(cache.keys().next().value ?? '');
  cache.set(cacheKey, inventory);
  return inventory;
}

/** The inventory of one region, or undefined when the account has nothing there. */
export function regionOf(seed: number, account: string, region: string): RegionInventory | undefined {
  return inventoryFor(seed, account).regions.find((r) => r.region === region);
}
