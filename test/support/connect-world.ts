/**
 * A freshly connected account, for the backfill tests: the simulator on an injected clock, the
 * real adapters and the real store (dynalite), the README's reference account (seed 7, 50 EC2
 * instances, the regions onboarding finds), and a runner that runs a collector job as the
 * collector actor does (status loaded, merged after the run, stored). `restart()` drops the jobs'
 * memory and the loaded statuses, as a new process would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/log.js';
import type { Account, CollectorKind, TenantSettings } from '../../src/domain/tenant.js';
import type { AccountOutcome } from '../../src/collectors/index.js';
import type { RunStatus } from '../../src/domain/sink.js';
import { defaultJobs, createFeePlans, type CollectContext, type JobOptions } from '../../src/collectors/index.js';
import { mergeRunStatus } from '../../src/actors/run-status.js';
import { createAwsGateway, type AwsAdapters } from '../../src/aws/index.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { createStore, type Store } from '../../src/store/index.js';

/** The reference account: the first generated account (seed 7) with 3 regions; it is given 50 instances. */
export const REFERENCE_ACCOUNT = '100000000004';
export const REFERENCE_EC2 = 50;

export interface ConnectWorld {
  clock: { now: number };
  sim: Simulator;
  aws: AwsAdapters;
  store: Store;
  tenantId: string;
  account: Account;
  /** Run one collector for the account at the clock's time; `force` as for a new or changed account. */
  run(kind: CollectorKind, options?: { force?: boolean; settings?: TenantSettings }): Promise<AccountOutcome>;
  /** A new incarnation: fresh jobs and memory, statuses read back from the store at the next run. */
  restart(): void;
  close(): Promise<void>;
}

/** The reference account's parts: simulator, adapters and store on one clock. */
export interface ReferenceWorld {
  sim: Simulator;
  aws: AwsAdapters;
  store: Store;
  tenantId: string;
  /** The account, with the regions onboarding finds (every simulated region that has alarms). */
  account: Account;
  close(): Promise<void>;
}

/** Start the simulator, adapters and store (dynalite in a temporary directory) on `now`. */
export async function startReferenceWorld(now: () => number, tenantId: string, tablePrefix: string): Promise<ReferenceWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'cloud-health-reference-'));
  const sim = await startSimulator({ seed: 7, now, accounts: { [REFERENCE_ACCOUNT]: { ec2Instances: REFERENCE_EC2 } } });
  const aws = createAwsGateway({
    region: 'us-east-1',
    endpoint: sim.endpoint,
    platformCredentials: { accessKeyId: 'AKIAPLATFORMEXAMPLE1', secretAccessKey: 'platform-secret' },
    openSecret: () => 'unused',
    logger: silentLogger(),
    now,
  });
  const store = await createStore({
    log: silentLogger(),
    mode: 'demo',
    dynamo: { kind: 'embedded', path: join(dir, 'dynamodb') },
    region: 'us-east-1',
    tablePrefix,
    encryption: { defaultKeyFile: join(dir, 'encryption.key') },
    scrypt: { N: 1024, r: 8, p: 1, keyLength: 32 },
    sweepIntervalMs: 0,
    now,
  });
  const account: Account = {
    id: `conn-${REFERENCE_ACCOUNT}`,
    tenantId,
    awsAccountId: REFERENCE_ACCOUNT,
    credentials: { type: 'role', roleArn: `arn:aws:iam::${REFERENCE_ACCOUNT}:role/CloudHealthMonitor`, externalId: `ext-${tenantId}` },
    name: 'reference',
    regions: [],
    status: 'active',
    revision: 1,
  };
  for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2', 'eu-central-1']) {
    if ((await aws.cloudwatch.describeAlarms(account, region, new AbortController().signal)).length > 0) account.regions.push(region);
  }
  return {
    sim,
    aws,
    store,
    tenantId,
    account,
    async close() {
      aws.close();
      await store.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Start the world on the reference account; `start` is the clock's first value (UTC ms). */
export async function connectWorld(start = Date.UTC(2026, 10, 2, 9, 0, 0), jobOptions: Omit<JobOptions, 'plans'> = {}): Promise<ConnectWorld> {
  const clock = { now: start };
  const world = await startReferenceWorld(() => clock.now, 'tenant-connect', 'cw-');
  const { sim, aws, store, tenantId, account } = world;
  const ticks: Record<CollectorKind, number> = { metrics: 5 * 60_000, security: 15 * 60_000, cost: 3_600_000, health: 30 * 60_000, compliance: 3_600_000 };
  const incarnation = () => ({
    jobs: defaultJobs({ ...jobOptions, plans: createFeePlans() }),
    memory: new Map<CollectorKind, Map<string, unknown>>(),
    statuses: new Map<CollectorKind, RunStatus | undefined>(),
  });
  let live = incarnation();
  return {
    clock,
    sim,
    aws,
    store,
    tenantId,
    account,
    async run(kind, options = {}) {
      if (!live.statuses.has(kind)) live.statuses.set(kind, await store.results.getRunStatus(tenantId, account.id, kind));
      if (!live.memory.has(kind)) live.memory.set(kind, new Map());
      const ctx: CollectContext = {
        tenantId,
        kind,
        accounts: [account],
        settings: options.settings ?? {},
        now: clock.now,
        intervalMs: ticks[kind],
        force: options.force ?? false,
        previous: () => live.statuses.get(kind),
        signal: new AbortController().signal,
        aws,
        call: (_service, fn) => fn(new AbortController().signal),
        sink: store.results,
        memory: live.memory.get(kind)!,
        log: silentLogger(),
      };
      const [outcome] = await live.jobs[kind](ctx);
      if (!outcome) throw new Error('no outcome');
      const previous = live.statuses.get(kind);
      const status = mergeRunStatus(previous, { tenantId, account, collector: kind, outcome, now: clock.now });
      await store.results.putRunStatus(status, previous);
      live.statuses.set(kind, status);
      return outcome;
    },
    restart() {
      live = incarnation();
    },
    close: () => world.close(),
  };
}
