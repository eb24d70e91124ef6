/**
 * In-memory stand-ins for the runtime's injected parts: a tenant source, a result sink and an
 * AWS gateway whose behaviour is set per AWS account. Latency runs on the injected clock.
 */
import { AwsCallError } from '../../src/domain/errors.js';
import type { AccountTarget, AwsGateway, AwsService } from '../../src/domain/gateway.js';
import type { CollectionResult, ResultSink, RunStatus } from '../../src/domain/sink.js';
import type { Account, AccountStatus, CollectorKind, Tenant, TenantSource } from '../../src/domain/tenant.js';
import type { Clock } from '../../src/actors/clock.js';

export class MemoryTenantSource implements TenantSource {
  readonly tenants = new Map<string, Tenant>();
  failNext = false;

  put(tenant: Tenant): void {
    this.tenants.set(tenant.id, tenant);
  }

  delete(id: string): void {
    this.tenants.delete(id);
  }

  listings = 0;

  async get(id: string): Promise<Tenant | undefined> {
    return this.tenants.get(id);
  }

  async *listTenants(): AsyncIterable<Tenant> {
    this.listings++;
    let i = 0;
    for (const tenant of [...this.tenants.values()]) {
      if (this.failNext && i++ === 1) {
        this.failNext = false;
        throw new Error('listing failed part-way');
      }
      yield tenant;
    }
  }
}

export class MemorySink implements ResultSink {
  readonly writes: CollectionResult[] = [];
  readonly watermarks = new Map<string, string>();
  readonly statuses = new Map<string, { status: AccountStatus; reason?: string }>();
  readonly runStatuses = new Map<string, RunStatus>();
  flushes = 0;

  async getRunStatus(tenantId: string, accountId: string, collector: CollectorKind): Promise<RunStatus | undefined> {
    return this.runStatuses.get(`${tenantId}/${accountId}/${collector}`);
  }
  async putRunStatus(status: RunStatus): Promise<void> {
    this.runStatuses.set(`${status.tenantId}/${status.accountId}/${status.collector}`, status);
  }

  async write(result: CollectionResult): Promise<void> {
    this.writes.push(result);
  }
  async getWatermark(tenantId: string, accountId: string, collector: CollectorKind): Promise<string | undefined> {
    return this.watermarks.get(`${tenantId}/${accountId}/${collector}`);
  }
  async setWatermark(tenantId: string, accountId: string, collector: CollectorKind, value: string): Promise<void> {
    this.watermarks.set(`${tenantId}/${accountId}/${collector}`, value);
  }
  async setAccountStatus(tenantId: string, accountId: string, status: AccountStatus, reason?: string): Promise<void> {
    this.statuses.set(`${tenantId}/${accountId}`, { status, ...(reason ? { reason } : {}) });
  }
  async flush(): Promise<void> {
    this.flushes++;
  }
  writesFor(tenantId: string, kind?: CollectorKind): CollectionResult[] {
    return this.writes.filter((w) => w.tenantId === tenantId && (!kind || w.kind === kind));
  }
}

/** How the fake AWS answers for one account. */
/**
 * `hang`: never answers until aborted; `deaf`: never answers and ignores its signal too;
 * `malformed`: an unparseable answer (src/aws classifies it transient); `slow`: answers after `slowMs`.
 */
export type Behaviour = 'ok' | 'throttled' | 'transient' | 'identity' | 'hang' | 'deaf' | 'malformed' | 'slow';

export interface FakeGatewayOptions {
  clock: Clock;
  /** Latency of every call, on the clock. Default 0. */
  latencyMs?: number;
  /** Each call's latency is `latencyMs` plus a whole number of ms drawn uniformly below this (seeded, repeatable). Default 0. */
  jitterMs?: number;
}

/** A fake AWS: per AWS account behaviour, calls counted per account and service. */
export class FakeGateway {
  readonly behaviour = new Map<string, Behaviour>();
  readonly calls = new Map<string, number>();
  readonly clock: Clock;
  latencyMs: number;
  readonly jitterMs: number;
  #seed = 0x9e3779b9;
  /** Latency of a `slow` account's calls. Default 2 s. */
  slowMs = 2_000;
  readonly gateway: AwsGateway;

  constructor(options: FakeGatewayOptions) {
    this.clock = options.clock;
    this.latencyMs = options.latencyMs ?? 0;
    this.jitterMs = options.jitterMs ?? 0;
    const call = <T>(service: AwsService, target: AccountTarget, signal: AbortSignal, value: () => T) =>
      this.#call(service, target, signal, value);
    this.gateway = {
      cloudwatch: {
        describeAlarms: (t, region, s) => call('cloudwatch', t, s, () => [{ region, name: 'cpu-high', state: 'OK' as const, updatedAt: '2026-11-01T00:00:00Z' }]),
        listMetrics: (t, _r, s) => call('cloudwatch', t, s, () => [{ namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: [{ name: 'InstanceId', value: 'i-1' }], stat: 'Average' }]),
        getMetricData: (t, region, metrics, window, s) =>
          call('cloudwatch', t, s, () =>
            metrics.map((metric) => ({ region, metric, resourceId: 'i-1', periodSec: window.periodSec, points: [{ t: window.start.toISOString(), v: 12 }] })),
          ),
      },
      costExplorer: {
        getDailyCost: (t, range, s) => call('ce', t, s, () => [{ day: range.start, service: 'Amazon EC2', amountUsd: 10 }]),
        getMonthlyCost: (t, range, s) => call('ce', t, s, () => [{ month: range.start.slice(0, 7), service: 'Amazon EC2', amountUsd: 300 }]),
        getForecast: (t, range, s) => call('ce', t, s, () => ({ start: range.start, end: range.end, meanUsd: 300 })),
        getAnomalies: (t, _range, s) => call('ce', t, s, () => []),
        getRightsizing: (t, s) => call('ce', t, s, () => []),
      },
      guardDuty: {
        listDetectors: (t, _r, s) => call('guardduty', t, s, () => ['det-1']),
        listFindingIds: (t, _r, _d, _since, s) => call('guardduty', t, s, () => ['f-1']),
        getFindings: (t, region, detectorId, ids, s) =>
          call('guardduty', t, s, () =>
            ids.map((id) => ({ id, region, detectorId, type: 'Recon:EC2/PortProbeUnprotectedPort', title: 'Port probe', description: '', severity: 5, createdAt: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z', archived: false, count: 1 })),
          ),
      },
      health: {
        describeEvents: (t, _since, s) => call('health', t, s, () => []),
        describeAffectedEntities: (t, _arns, _n, s) => call('health', t, s, () => new Map<string, string[]>()),
      },
      securityHub: {
        getEnabledStandards: (t, _r, s) => call('securityhub', t, s, () => []),
        describeStandardsControls: (t, _r, _arn, s) => call('securityhub', t, s, () => []),
        getFindings: (t, _r, _since, s) => call('securityhub', t, s, () => []),
        getFailedControls: (t, _r, s) => call('securityhub', t, s, () => []),
      },
    };
  }

  callsFor(awsAccountId: string, service?: AwsService): number {
    let total = 0;
    for (const [key, n] of this.calls) if (key.startsWith(`${awsAccountId}/`) && (!service || key.endsWith(`/${service}`))) total += n;
    return total;
  }

  async #call<T>(service: AwsService, target: AccountTarget, signal: AbortSignal, value: () => T): Promise<T> {
    const key = `${target.awsAccountId}/${service}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    const behaviour = this.behaviour.get(target.awsAccountId) ?? 'ok';
    if (behaviour === 'deaf') return new Promise<never>(() => {});
    const latency = behaviour === 'hang' ? Number.MAX_SAFE_INTEGER / 2 : behaviour === 'slow' ? this.slowMs : this.latencyMs + this.#jitter();
    if (latency > 0) await this.#sleep(latency, signal);
    signal.throwIfAborted();
    switch (behaviour) {
      case 'throttled':
        throw new AwsCallError('throttled', service, 'ThrottlingException', 'Rate exceeded');
      case 'transient':
        throw new AwsCallError('transient', service, 'InternalFailure', 'internal failure');
      case 'identity':
        throw new AwsCallError('identity', service, 'InvalidClientTokenId', 'not authorized');
      case 'malformed':
        throw new AwsCallError('transient', service, 'UnparseableResponse', 'the answer could not be parsed');
      default:
        return value();
    }
  }

  /** A whole number of ms in [0, jitterMs), from a xorshift32 sequence (the same on every run). */
  #jitter(): number {
    if (this.jitterMs <= 0) return 0;
    let x = this.#seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#seed = x >>> 0;
    return this.#seed % this.jitterMs;
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => {
        cancel();
        reject(signal.reason);
      };
      const cancel = this.clock.setTimer(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** A tenant with `accounts` accounts in one region each. */
export function makeTenant(id: string, options: { accounts?: number; revision?: number; awsAccountIds?: string[] } = {}): Tenant {
  const ids = options.awsAccountIds ?? Array.from({ length: options.accounts ?? 1 }, (_, i) => `${id}-aws-${i}`);
  const accounts: Account[] = ids.map((awsAccountId, i) => ({
    id: `${id}-acct-${i}`,
    tenantId: id,
    name: `account ${i}`,
    awsAccountId,
    regions: ['us-east-1'],
    credentials: { type: 'role', roleArn: `arn:aws:iam::${/^\d{12}$/.test(awsAccountId) ? awsAccountId : '123456789012'}:role/r${i}`, externalId: 'x' },
    status: 'active',
    revision: 1,
  }));
  return { id, name: id, revision: options.revision ?? 1, settings: {}, accounts };
}
