/**
 * The collectors' `ResultSink` on DynamoDB: each result goes to its repository, then the
 * account's run is recorded and the tenant's cached reads are made stale. Writes are awaited
 * (nothing is buffered), so `flush` has nothing to wait for.
 */
import type { AlarmState } from '../domain/records.js';
import type { CollectionResult, ResultSink } from '../domain/sink.js';
import type { CostRepository } from './cost-repository.js';
import type { FindingRepository } from './finding-repository.js';
import type { MetricsRepository } from './metrics-repository.js';
import type { StateRepository } from './state-repository.js';
import type { TenantRepository } from './tenant-repository.js';

export interface ResultSinkDeps {
  metrics: MetricsRepository;
  costs: CostRepository;
  findings: FindingRepository;
  state: StateRepository;
  tenants: Pick<TenantRepository, 'setAccountStatus'>;
  onChange: (tenantId: string) => Promise<void>;
}

/** Create the sink. */
export function createResultSink(deps: ResultSinkDeps): ResultSink {
  const { metrics, costs, findings, state } = deps;

  async function write(result: CollectionResult, signal?: AbortSignal): Promise<void> {
    const { tenantId, accountId } = result;
    switch (result.kind) {
      case 'metrics': {
        await metrics.write(tenantId, accountId, result.series, signal);
        const failed = new Set(result.failedRegions.map((f) => f.region));
        const byRegion = new Map<string, AlarmState[]>();
        // Regions that answered, even with no alarms, replace their snapshot; failed ones keep theirs.
        for (const region of new Set([...result.alarms.map((a) => a.region), ...result.series.map((s) => s.region)])) {
          if (!failed.has(region)) byRegion.set(region, []);
        }
        for (const alarm of result.alarms) if (!failed.has(alarm.region)) byRegion.get(alarm.region)?.push(alarm);
        await state.putAlarms(tenantId, accountId, byRegion, signal);
        break;
      }
      case 'cost':
        await costs.write(result, signal);
        break;
      case 'security':
        await findings.write(tenantId, accountId, result.findings, signal);
        break;
    }
    await state.recordRun(
      tenantId,
      {
        accountId,
        collector: result.kind,
        collectedAt: result.collectedAt,
        failedRegions: result.kind === 'metrics' ? result.failedRegions : [],
        regionsWithoutDetector: result.kind === 'security' ? result.regionsWithoutDetector : [],
      },
      signal,
    );
    await deps.onChange(tenantId);
  }

  return {
    write,
    getWatermark: (tenantId, accountId, collector) => state.getWatermark(tenantId, accountId, collector),
    setWatermark: (tenantId, accountId, collector, value) => state.setWatermark(tenantId, accountId, collector, value),
    setAccountStatus: (tenantId, accountId, status, reason) => deps.tenants.setAccountStatus(tenantId, accountId, status, reason),
    flush: async () => {},
  };
}
